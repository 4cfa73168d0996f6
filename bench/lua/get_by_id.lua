-- GET <url path>/{id}<suffix> for a random id from a file; args: the id file, an optional
-- suffix (e.g. "?expand=venues"). Anonymous readers get 404 for what is not public (draft,
-- closed and expired offers, draft events), so the files hold samples of public rows only.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("common")
local ids = {}
local suffix = ""
local headers = bench.headers()

function init(args)
  bench.seed()
  for line in io.lines(args[1]) do
    ids[#ids + 1] = line
  end
  assert(#ids > 0, "no ids in " .. args[1])
  suffix = args[2] or ""
end

function request()
  return wrk.format("GET", wrk.path .. "/" .. ids[math.random(#ids)] .. suffix, headers)
end

done = bench.done
