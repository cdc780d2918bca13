-- ARGV: prefix, now, batch, engine. Claims queued messages past their deadline, for the engine to settle as expired.
local now, batch, engine = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', p .. 'deadlines', '-inf', now, 'LIMIT', 0, batch)) do
  redis.call('ZREM', p .. 'deadlines', id)
  local h = redis.call('HMGET', msg(id), 'status', 'pool')
  if h[1] == 'queued' then
    redis.call('ZREM', p .. 'q:' .. h[2], id)
    redis.call('ZREM', p .. 'd:' .. h[2], id)
    redis.call('HSET', msg(id), 'status', 'in_flight', 'updated_at', now, 'owner', engine)
    redis.call('SADD', p .. 'f:' .. engine, id)
    count('queued', -1)
    count('in_flight', 1)
    out[#out + 1] = redis.call('HGETALL', msg(id))
  end
end
return out
