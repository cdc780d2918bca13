-- ARGV: prefix, now, engine, then the ids the engine is delivering. Re-queues the engine's other in-flight messages
-- (left by an earlier run under the same id, or whose outcome could not be recorded); returns how many.
local now, engine = tonumber(ARGV[2]), ARGV[3]
local held = {}
for i = 4, #ARGV do
  held[ARGV[i]] = true
end
local n = 0
for _, id in ipairs(redis.call('SMEMBERS', p .. 'f:' .. engine)) do
  if not held[id] then
    n = n + requeue(id, engine, now)
  end
end
return n
