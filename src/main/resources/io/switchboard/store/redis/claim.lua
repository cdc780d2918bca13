-- ARGV: prefix, pool, now, max, engine. Returns the claimed messages' hashes, now in flight at the engine.
local pool, now, max, engine = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local dk = p .. 'd:' .. pool
for _, id in ipairs(redis.call('ZRANGEBYSCORE', dk, '-inf', now, 'LIMIT', 0, 1000)) do
  redis.call('ZREM', dk, id)
  local h = redis.call('HMGET', msg(id), 'priority', 'seq', 'status')
  if h[3] == 'queued' then
    ready(pool, id, h[1], h[2])
  end
end
local qk = p .. 'q:' .. pool
local out = {}
for _, id in ipairs(redis.call('ZRANGE', qk, 0, max - 1)) do
  local h = redis.call('HMGET', msg(id), 'status', 'deadline_at')
  if h[1] ~= 'queued' then
    redis.call('ZREM', qk, id)
  elseif tonumber(h[2]) > now then
    -- Past its deadline it stays for the expiry sweep.
    redis.call('ZREM', qk, id)
    redis.call('ZREM', p .. 'deadlines', id)
    redis.call('HSET', msg(id), 'status', 'in_flight', 'updated_at', now, 'owner', engine)
    redis.call('SADD', p .. 'f:' .. engine, id)
    out[#out + 1] = redis.call('HGETALL', msg(id))
  end
end
if #out > 0 then
  count('queued', -#out)
  count('in_flight', #out)
end
return out
