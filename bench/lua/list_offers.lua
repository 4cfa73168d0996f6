-- GET /api/v1/cooperation-offers?sector=..&target_country=..&limit=20 with random values.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("common")

function init(args)
  bench.seed()
end

function request()
  return wrk.format("GET", "/api/v1/cooperation-offers?sector=" .. bench.pick(bench.sectors)
    .. "&target_country=" .. bench.pick(bench.countries) .. "&limit=20")
end

done = bench.done
