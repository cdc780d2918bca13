-- ARGV: prefix, id, now, max live, idempotency key or '', window ms, pool, priority, deadline, then field pairs.
local id, now, max_live = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local key, window = ARGV[5], tonumber(ARGV[6])
local pool = ARGV[7]
if key ~= '' and window > 0 then
  local existing = redis.call('GET', p .. 'idem:' .. key)
  if existing then
    -- The key expires by itself; the window is also checked on the engines' clock.
    local at = tonumber(redis.call('HGET', msg(existing), 'accepted_at'))
    if at and now - at < window then
      return {'duplicate', redis.call('HGETALL', msg(existing))}
    end
  end
end
local c = redis.call('HMGET', p .. 'counts', 'queued', 'in_flight')
if (tonumber(c[1]) or 0) + (tonumber(c[2]) or 0) >= max_live then
  return {'full'}
end
local seq = redis.call('INCR', p .. 'seq')
redis.call('HSET', msg(id), 'seq', seq, unpack(ARGV, 10))
ready(pool, id, ARGV[8], seq)
redis.call('ZADD', p .. 'deadlines', ARGV[9], id)
redis.call('SADD', p .. 'pools', pool)
count('queued', 1)
if key ~= '' and window > 0 then
  redis.call('SET', p .. 'idem:' .. key, id, 'PX', window)
end
return {'accepted'}
