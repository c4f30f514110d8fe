-- wrk script: POST a JSON body with a fresh e-mail address per request, so every request is
-- a new record (nothing is deduplicated away). The path and body come from the environment:
-- SKYDD_BENCH_PATH (default /api/requests) and SKYDD_BENCH_BODY, where {email} is replaced.
local path = os.getenv("SKYDD_BENCH_PATH") or "/api/requests"
local body = os.getenv("SKYDD_BENCH_BODY")
  or '{"kind":"access","channel":"web","identities":{"email":["{email}"]}}'
local counter = 0
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

function init(args)
  math.randomseed(os.time() + (tid or 0))
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  local token = os.getenv("SKYDD_BENCH_TOKEN")
  if token then wrk.headers["Authorization"] = "Bearer " .. token end
end

function request()
  counter = counter + 1
  local email = string.format("bench-%d-%d-%d@example.se", tid or 0, counter, math.random(1, 1e9))
  return wrk.format(nil, path, nil, (body:gsub("{email}", email)))
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d non2xx=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
