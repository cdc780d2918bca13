-- ARGV: prefix, sink, now, max, engine, lease ms. One engine at a time relays a sink (so its events keep their
-- order); it holds the sink for the lease and renews it with every call. Returns {seq, payload, attempts, created}
-- per due event, or nothing while another engine holds the sink.
local sink, now, engine = ARGV[2], tonumber(ARGV[3]), ARGV[5]
local lock = p .. 'relay:' .. sink
local holder = redis.call('GET', lock)
if holder and holder ~= engine then
  return {}
end
redis.call('SET', lock, engine, 'PX', ARGV[6])
local zk = p .. 'ev:' .. sink
local out = {}
for _, seq in ipairs(redis.call('ZRANGEBYSCORE', zk, '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))) do
  local e = redis.call('HMGET', p .. 'e:' .. seq, 'payload', 'attempts', 'created_at')
  if e[1] then
    out[#out + 1] = {seq, e[1], e[2], e[3]}
  else
    redis.call('ZREM', zk, seq)
  end
end
return out
