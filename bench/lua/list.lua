-- GET <url path>?<param>=<random value>&limit=20: a list page filtered by one value drawn from
-- the generator's pool; args: the parameter name, the pool ("countries" or "sectors").
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("common")
local param, pool
local headers = bench.headers()

function init(args)
  bench.seed()
  param = args[1]
  pool = bench[args[2]]
  assert(param and pool, "usage: list.lua PARAM countries|sectors")
end

function request()
  return wrk.format("GET", wrk.path .. "?" .. param .. "=" .. bench.pick(pool) .. "&limit=20", headers)
end

done = bench.done
