-- Answer saves at a fixed rate, as candidates who think between answers send them: each
-- connection sends one save every INTERVAL_MS, whatever the platform's pace, and a save's
-- latency counts from when it was due, not from when it could be sent (so a platform that falls
-- behind shows it in the percentiles instead of slowing the load down).
--
--   wrk -t C -c C -s paced.lua URL -- PLAN INTERVAL_MS [SAVE READ STUDY SUBMIT]
--
-- Everything else (the plan, the weights of the request kinds, saves only by default, which
-- answer each 200 acknowledged, the report) is interview.lua's.
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(here .. "interview.lua")

local plan_init, next_request = init, request
local interval, next_due

function init(args)
  interval = tonumber(args[2])
  plan_init({ args[1], args[3] or "1", args[4] or "0", args[5] or "0", args[6] or "0" })
end

function delay()
  if next_due == nil then return 0 end
  local wait = next_due - now_ms()
  return wait > 0 and math.floor(wait) or 0
end

function request()
  local built = next_request()
  if next_due == nil then
    -- wrk sends each connection's first request as it connects; the schedule starts after it,
    -- at a random point of the first interval, so the connections do not fire all at once.
    next_due = current.started + math.random() * interval
  else
    current.started = next_due
    next_due = next_due + interval
  end
  return built
end
