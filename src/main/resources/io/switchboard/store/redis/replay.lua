-- ARGV: prefix, id, now. Queues a dead letter again (attempts reset, fresh deadline); its hash, or empty.
local id, now = ARGV[2], tonumber(ARGV[3])
local k = msg(id)
local h = redis.call('HMGET', k, 'status', 'pool', 'priority', 'seq', 'ttl_ms', 'replays')
if h[1] ~= 'dead_lettered' and h[1] ~= 'expired' then
  return {}
end
local deadline = now + tonumber(h[5])
redis.call('HSET', k, 'status', 'queued', 'attempts', 0, 'replays', (tonumber(h[6]) or 0) + 1,
  'deadline_at', deadline, 'not_before', now, 'dead_reason', '', 'finished_at', 0, 'updated_at', now)
redis.call('ZREM', p .. 'dead', id)
ready(h[2], id, h[3], h[4])
redis.call('ZADD', p .. 'deadlines', deadline, id)
redis.call('SADD', p .. 'pools', h[2])
count(h[1], -1)
count('queued', 1)
return redis.call('HGETALL', k)
