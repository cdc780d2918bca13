-- Shared by every script of the Redis store; ARGV[1] is the key prefix. Keys (after the prefix):
--   m:<id>       hash: one message          q:<pool>   zset: queued and due, by priority then arrival
--   d:<pool>     zset: queued, by not_before (waiting out a backoff)
--   deadlines    zset: queued, by deadline  f:<engine> set: in flight at that engine
--   dead         zset: dead letters, by arrival   delivered  zset: delivered, by finish time
--   idem:<key>   string: the message an idempotency key names (expires with the window)
--   counts       hash: messages by status   pools      set: every pool a message was queued to
--   engines      zset: engine id by its last heartbeat
--   ev:<sink>    zset: a sink's pending events by when they are due   e:<seq>  hash: one event
--   relay:<sink> string: the engine relaying that sink's events now
local p = ARGV[1]

local function msg(id)
  return p .. 'm:' .. id
end

local function ready(pool, id, priority, seq)
  redis.call('ZADD', p .. 'q:' .. pool, tonumber(priority) * 1e15 + tonumber(seq), id)
end

local function count(status, by)
  redis.call('HINCRBY', p .. 'counts', status, by)
end

-- Puts an in-flight message of engine `engine` back in its queue, attempts kept; 1 when it was.
local function requeue(id, engine, now)
  local k = msg(id)
  local h = redis.call('HMGET', k, 'status', 'owner', 'pool', 'priority', 'seq', 'deadline_at')
  redis.call('SREM', p .. 'f:' .. engine, id)
  if h[1] ~= 'in_flight' or h[2] ~= engine then
    return 0
  end
  redis.call('HSET', k, 'status', 'queued', 'updated_at', now)
  redis.call('HDEL', k, 'owner')
  ready(h[3], id, h[4], h[5])
  redis.call('ZADD', p .. 'deadlines', h[6], id)
  count('in_flight', -1)
  count('queued', 1)
  return 1
end

-- Appends the events at ARGV[from] (a count, then sink and payload pairs); returns the index after them.
local function add_events(now, from)
  local n = tonumber(ARGV[from])
  for i = 0, n - 1 do
    local sink = ARGV[from + 1 + 2 * i]
    local seq = redis.call('INCR', p .. 'evseq')
    redis.call('HSET', p .. 'e:' .. seq, 'sink', sink, 'payload', ARGV[from + 2 + 2 * i], 'attempts', 0,
      'created_at', now)
    redis.call('ZADD', p .. 'ev:' .. sink, now, seq)
  end
  return from + 1 + 2 * n
end

