-- ARGV: prefix, id, attempt, worker, now, engine. 1 when recorded; 0 when the message is no longer this engine's.
local k = msg(ARGV[2])
local h = redis.call('HMGET', k, 'status', 'owner', 'attempts')
if h[1] ~= 'in_flight' or h[2] ~= ARGV[6] then
  return 0
end
local attempts = math.max(tonumber(h[3]) or 0, tonumber(ARGV[3]))
redis.call('HSET', k, 'attempts', attempts, 'worker', ARGV[4], 'updated_at', ARGV[5])
return 1
