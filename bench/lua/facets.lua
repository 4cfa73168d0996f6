-- GET /api/v1/cooperation-offers/facets with the filters a filter panel sends: none, a
-- sector, a sector and a target country, a kind, a search.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("common")
local headers = bench.headers()
local kinds = { "business_offer", "business_request", "technology_offer", "technology_request",
  "investment_offer", "investment_request", "rd_partnership" }

function init(args)
  bench.seed()
end

function request()
  local r = math.random(5)
  local query = ""
  if r == 2 then
    query = "?sector=" .. bench.pick(bench.sectors)
  elseif r == 3 then
    query = "?sector=" .. bench.pick(bench.sectors) .. "&target_country=" .. bench.pick(bench.countries)
  elseif r == 4 then
    query = "?kind=" .. bench.pick(kinds)
  elseif r == 5 then
    query = "?q=" .. bench.pick({ "medical", "hydrogen", "robotics", "solar" })
  end
  return wrk.format("GET", wrk.path .. query, headers)
end

done = bench.done
