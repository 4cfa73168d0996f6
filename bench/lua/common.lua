-- Shared by the wrk scenarios of bench/run: the generator's id scheme, the filter values it
-- draws from, per-thread random seeds, and one result line per scenario.
local M = {}

-- Mirrors pg_temp.uid() in src/synthetic.sql: 01900000-<tag>-7000-8000-<row number>.
M.tags = { company = 1, speaker = 2, event = 3, offer = 8 }

function M.uid(tag, n)
  return string.format("01900000-%04x-7000-8000-%012x", tag, n)
end

-- Distinct values of pg_temp.countries() and the sector codes of the first migration.
M.countries = { "RU", "FR", "DE", "IT", "KR", "US", "GB", "ES", "NL", "BE", "CH", "AT", "PL",
  "FI", "SE", "TR", "AE", "IN", "JP", "CN", "KZ", "BY", "AM", "UZ", "IL", "CA", "BR" }
M.sectors = { "aerospace", "agrifood", "ai", "automotive", "big-data", "biotech",
  "construction", "consulting", "creative", "cybersecurity", "e-commerce", "education",
  "energy", "environment", "finance", "franchising", "government", "healthcare",
  "investment", "it", "logistics", "manufacturing", "medtech", "mobility", "pharma",
  "real-estate", "research", "retail", "smart-city", "telecom", "tourism", "transport", "vr-ar" }

-- Request headers: `extra`, plus `Authorization` when BENCH_AUTH is set (keyed scenarios).
function M.headers(extra)
  local headers = extra or {}
  local auth = os.getenv("BENCH_AUTH")
  if auth and auth ~= "" then
    headers["Authorization"] = auth
  end
  return headers
end

function M.pick(list)
  return list[math.random(#list)]
end

-- Each wrk thread has its own Lua state; seed each differently.
function M.seed()
  local address = tonumber(string.match(tostring({}), "0x(%x+)") or "0", 16) or 0
  math.randomseed(os.time() + address % 1000003)
end

-- Percent-encodes a query parameter value.
function M.escape(s)
  return (string.gsub(s, "[^%w%-_%.~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

-- Appends "requests_per_s p50_ms p99_ms errors requests p95_ms" to $BENCH_OUT.
function M.done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  local line = string.format("%.1f %.2f %.2f %d %d %.2f\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors, summary.requests, latency:percentile(95) / 1000)
  local path = os.getenv("BENCH_OUT")
  if path then
    local f = assert(io.open(path, "a"))
    f:write(line)
    f:close()
  else
    io.write(line)
  end
end

return M
