-- wrk script: asynchronous submissions (POST /v1/messages) with a ~200-byte envelope; only 202 counts as accepted.
wrk.method = "POST"
wrk.body = '{"content":"fetch the chat archive of @ru_python for 2025-11-07 and store it as a batch","metadata":{"requested_by":"scheduler","mode":"date"}}'
wrk.headers["Content-Type"] = "application/json"

local accepted = 0
local other = 0

function response(status, headers, body)
  if status == 202 then
    accepted = accepted + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d err_connect=%d err_read=%d err_write=%d "
      .. "err_status=%d err_timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
