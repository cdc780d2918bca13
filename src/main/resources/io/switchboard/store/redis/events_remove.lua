-- ARGV: prefix, then event seqs. Removes events that were sent or given up on.
for i = 2, #ARGV do
  local sink = redis.call('HGET', p .. 'e:' .. ARGV[i], 'sink')
  if sink then
    redis.call('ZREM', p .. 'ev:' .. sink, ARGV[i])
    redis.call('DEL', p .. 'e:' .. ARGV[i])
  end
end
return 1
