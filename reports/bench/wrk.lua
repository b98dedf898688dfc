-- wrk script for the load benchmarks (`manage.py benchmark_pages`): signed-in GETs, then one line of results.
--
-- The session cookie comes from the environment rather than wrk's command line, so a live
-- sign-in never shows in the process list.
wrk.headers["Cookie"] = os.getenv("MAHI_TAHI_BENCH_COOKIE")
-- The app runs under its production settings (HTTPS only) with no TLS proxy in front:
-- say what that proxy would say, as the settings trust it to (SECURE_PROXY_SSL_HEADER).
wrk.headers["X-Forwarded-Proto"] = "https"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_2xx = 0
end

-- wrk itself counts only 4xx and 5xx; a redirect (to the sign-in page) is a failure here too.
function response(status, headers, body)
  if status < 200 or status > 299 then
    not_2xx = not_2xx + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("not_2xx")
  end
  local errors = summary.errors
  -- Latencies are in microseconds; the command reads this line.
  io.write(string.format(
    "MAHI_TAHI_RESULT requests=%d seconds=%.3f p50=%d p95=%d p99=%d not_2xx=%d socket_errors=%d\n",
    summary.requests,
    summary.duration / 1e6,
    latency:percentile(50),
    latency:percentile(95),
    latency:percentile(99),
    failed,
    errors.connect + errors.read + errors.write + errors.timeout
  ))
end
