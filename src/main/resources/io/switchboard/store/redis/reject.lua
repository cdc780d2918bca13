-- A message dead-lettered on arrival. ARGV: prefix, id, now, then events, then field pairs.
local id, now = ARGV[2], tonumber(ARGV[3])
local after = add_events(now, 4)
local seq = redis.call('INCR', p .. 'seq')
redis.call('HSET', msg(id), 'seq', seq, unpack(ARGV, after))
redis.call('ZADD', p .. 'dead', seq, id)
count('dead_lettered', 1)
return 1
