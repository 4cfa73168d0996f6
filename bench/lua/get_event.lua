-- GET /api/v1/events/{random id}?expand=venues,sessions,speakers,participants; args: event count.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("common")
local events

function init(args)
  bench.seed()
  events = tonumber(args[1])
end

function request()
  return wrk.format("GET", "/api/v1/events/" .. bench.uid(bench.tags.event, math.random(events))
    .. "?expand=venues,sessions,speakers,participants")
end

done = bench.done
