-- GET /api/v1/cooperation-offers/{random id}; args: offer count.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("common")
local offers
local headers = bench.headers()

function init(args)
  bench.seed()
  offers = tonumber(args[1])
end

function request()
  return wrk.format("GET", "/api/v1/cooperation-offers/" .. bench.uid(bench.tags.offer, math.random(offers)), headers)
end

done = bench.done
