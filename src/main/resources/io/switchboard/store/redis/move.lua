-- ARGV: prefix, id, from pool, to pool. Moves a queued message to another pool; 1 when moved.
local id, from, to = ARGV[2], ARGV[3], ARGV[4]
local h = redis.call('HMGET', msg(id), 'status', 'pool', 'priority', 'seq')
if h[1] ~= 'queued' or h[2] ~= from then
  return 0
end
redis.call('ZREM', p .. 'q:' .. from, id)
redis.call('ZREM', p .. 'd:' .. from, id)
redis.call('HSET', msg(id), 'pool', to)
ready(to, id, h[3], h[4])
redis.call('SADD', p .. 'pools', to)
return 1
