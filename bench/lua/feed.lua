-- GET /api/v1/changes?limit=100 from a random point of the change log (a reader catching up):
-- each request reads 100 changes with their resources. BENCH_FEED_MAX is the last position.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("common")

local last = tonumber(os.getenv("BENCH_FEED_MAX") or "1000")

-- A cursor after position p: base64url of {"s":"position","k":p,"id":<nil uuid>}.
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local function base64url(s)
  return ((s:gsub(".", function(x)
    local r, b = "", x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and "1" or "0") end
    return r
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return alphabet:sub(c + 1, c + 1)
  end))
end

function init(args)
  bench.seed()
end

function request()
  local after = math.random(0, math.max(last - 100, 0))
  local cursor = base64url(string.format(
    '{"s":"position","k":%d,"id":"00000000-0000-0000-0000-000000000000"}', after))
  return wrk.format("GET", "/api/v1/changes?limit=100&cursor=" .. cursor, bench.headers())
end

done = bench.done
