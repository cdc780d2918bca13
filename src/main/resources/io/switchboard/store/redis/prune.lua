-- ARGV: prefix, cutoff, batch. Deletes delivered messages finished before the cutoff; returns how many.
local ids = redis.call('ZRANGEBYSCORE', p .. 'delivered', '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  redis.call('DEL', msg(id))
  redis.call('ZREM', p .. 'delivered', id)
end
if #ids > 0 then
  count('delivered', -#ids)
end
return #ids
