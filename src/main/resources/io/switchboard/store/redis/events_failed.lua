-- ARGV: prefix, seq, next attempt at, error. Records a failed send.
local k = p .. 'e:' .. ARGV[2]
local sink = redis.call('HGET', k, 'sink')
if sink then
  redis.call('HINCRBY', k, 'attempts', 1)
  redis.call('HSET', k, 'last_error', ARGV[4])
  redis.call('ZADD', p .. 'ev:' .. sink, ARGV[3], ARGV[2])
end
return 1
