-- ARGV: prefix, now, cutoff, engine. Engines not heard from since the cutoff are dead: their in-flight messages are
-- queued again. Returns {re-queued, dead engine ids...}.
local now, cutoff = tonumber(ARGV[2]), tonumber(ARGV[3])
local out = {0}
for _, engine in ipairs(redis.call('ZRANGEBYSCORE', p .. 'engines', '-inf', '(' .. cutoff)) do
  if engine ~= ARGV[4] then
    for _, id in ipairs(redis.call('SMEMBERS', p .. 'f:' .. engine)) do
      out[1] = out[1] + requeue(id, engine, now)
    end
    redis.call('DEL', p .. 'f:' .. engine)
    redis.call('ZREM', p .. 'engines', engine)
    out[#out + 1] = engine
  end
end
return out
