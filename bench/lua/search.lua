-- GET /api/v1/search?q=... with a random search: words of the generated texts (common and
-- rare), names, a Cyrillic name, a typo, two words, a word found nowhere.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("common")
local headers = bench.headers()

local queries = {
  "medical", "exoskeleton", "hydrogen", "telemedicine", "robotics", "batteries", "solar",
  "drones recycling", "rehabilitation centres", "licensing", "distributor", "Moscow",
  "Dridze", "Дридзе", "Evgeni Dridze", "Platonov", "Smirnova", "Novasoft", "Medicare Labs",
  "Geonet", "Seinelogic", "investors", "laboratories", "exportateur", "zzyzx"
}

function init(args)
  bench.seed()
end

function request()
  local q = bench.escape(bench.pick(queries))
  return wrk.format("GET", wrk.path .. "?q=" .. q, headers)
end

done = bench.done
