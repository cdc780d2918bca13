-- ARGV: prefix, id, engine, now, new status, new pool, not_before, finished_at, then events, then field pairs.
-- 1 when recorded; 0 when the message is no longer this engine's to settle.
local id, engine, now, status, pool = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6]
local k = msg(id)
local h = redis.call('HMGET', k, 'status', 'owner', 'pool', 'seq', 'deadline_at')
if h[1] == 'in_flight' and h[2] == engine then
  redis.call('SREM', p .. 'f:' .. engine, id)
  count('in_flight', -1)
elseif h[1] == 'queued' then
  -- Taken back from this engine (it was thought dead) and not claimed again yet: this outcome stands.
  redis.call('ZREM', p .. 'q:' .. h[3], id)
  redis.call('ZREM', p .. 'd:' .. h[3], id)
  redis.call('ZREM', p .. 'deadlines', id)
  count('queued', -1)
else
  return 0
end
local after = add_events(now, 9)
redis.call('HSET', k, 'status', status, unpack(ARGV, after))
redis.call('HDEL', k, 'owner')
if status == 'queued' then
  redis.call('ZADD', p .. 'd:' .. pool, ARGV[7], id)
  redis.call('ZADD', p .. 'deadlines', h[5], id)
  redis.call('SADD', p .. 'pools', pool)
elseif status == 'delivered' then
  redis.call('ZADD', p .. 'delivered', ARGV[8], id)
else
  redis.call('ZADD', p .. 'dead', h[4], id)
end
count(status, 1)
return 1
