-- ARGV: prefix, id. Deletes a dead letter; 1 when there was one.
local id = ARGV[2]
local status = redis.call('HGET', msg(id), 'status')
if status ~= 'dead_lettered' and status ~= 'expired' then
  return 0
end
redis.call('DEL', msg(id))
redis.call('ZREM', p .. 'dead', id)
count(status, -1)
return 1
