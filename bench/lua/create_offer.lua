-- POST /api/v1/cooperation-offers by a random company; args: company count.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local bench = require("common")
local companies
local headers = bench.headers({ ["Content-Type"] = "application/json" })
local counter = 0

function init(args)
  bench.seed()
  companies = tonumber(args[1])
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"company_id":"%s","kind":"technology_offer","cooperation_types":["licensing","distribution"],'
    .. '"title":"Exoskeleton licensing offer %d","summary":"Rehabilitation exoskeletons for clinics",'
    .. '"sectors":["%s"],"target_countries":["%s"],"language":"en","status":"published"}',
    bench.uid(bench.tags.company, math.random(companies)), counter,
    bench.pick(bench.sectors), bench.pick(bench.countries))
  return wrk.format("POST", "/api/v1/cooperation-offers", headers, body)
end

done = bench.done
