-- The interview hot path for `bench/load.py`: answer saves, optionally mixed with session
-- reads, study list reads and submits, as candidates in a browser would send them.
--
--   wrk -t C -c C -s interview.lua URL -- PLAN SAVE READ STUDY SUBMIT
--
-- One connection per wrk thread, so a thread's requests go out one at a time and each
-- response belongs to the request sent just before it: the script then knows which answer
-- every 200 acknowledged, and `bench/load.py` checks that the stored answer is that one.
-- PLAN is the file `bench/load.py` writes (a tab-separated line per slot, see there); the
-- four numbers are relative weights of the request kinds.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local clock = ffi.new("bench_timespec")
function now_ms() -- global: paced.lua uses it too
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local KINDS = { "save", "read", "study", "submit" }
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_no", counter)
  table.insert(threads, thread)
end

local function split(line)
  local fields = {}
  for field in string.gmatch(line, "[^\t]+") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  local plan = args[1]
  weights = {}
  local total = 0
  for i, kind in ipairs(KINDS) do
    total = total + tonumber(args[i + 1] or (kind == "save" and 1 or 0))
    weights[i] = total
  end
  weight_total = total
  slots, sessions, to_submit = {}, {}, {}
  local seen = {}
  for line in io.lines(plan) do
    -- slot, session, token, position, answers (JSON, "|" between alternatives, SEQ replaced
    -- by a counter), session number, 1 when the session is to be submitted, threads
    local f = split(line)
    if (tonumber(f[6]) % tonumber(f[8])) == thread_no - 1 then
      local values = {}
      for v in string.gmatch(f[5], "[^|]+") do table.insert(values, v) end
      table.insert(slots, { id = f[1], session = f[2], token = f[3], position = f[4], values = values })
      if not seen[f[2]] then
        seen[f[2]] = true
        local s = { id = f[2], token = f[3], submit = f[7] == "1" }
        table.insert(sessions, s)
        if s.submit then table.insert(to_submit, s) end
      end
    end
  end
  submitted = {}
  acked, pending = {}, {}
  -- Flat tables with string keys: wrk copies those from a thread to `done` (nested ones crash).
  hist, statuses = {}, {}
  seq, study_page = 0, 0
  current = nil
end

local function choose_kind()
  local r = math.random() * weight_total
  for i, bound in ipairs(weights) do
    if r < bound then return KINDS[i] end
  end
  return "save"
end

local function writable_slot()
  for _ = 1, 8 do
    local slot = slots[math.random(#slots)]
    if not submitted[slot.session] then return slot end
  end
  return nil
end

function request()
  sent = (sent or 0) + 1
  local kind = choose_kind()
  -- Every session this thread is to submit goes with its second request, whatever the draw.
  if weights[4] > weights[3] and sent >= 2 and #to_submit > 0 then kind = "submit" end
  if kind == "submit" then
    local s = table.remove(to_submit)
    if s == nil then kind = "save" else
      submitted[s.id] = true
      current = { kind = "submit", started = now_ms() }
      return wrk.format("POST", "/api/quiz/sessions/" .. s.id .. "/submit",
        { ["Authorization"] = "Bearer " .. s.token, ["Content-Length"] = "0" })
    end
  end
  if kind == "save" then
    local slot = writable_slot()
    if slot == nil then kind = "read" else
      seq = seq + 1
      local value = slot.values[(seq % #slot.values) + 1]
      value = string.gsub(value, "SEQ", thread_no .. "-" .. seq)
      pending[slot.id] = value
      current = { kind = "save", slot = slot.id, value = value, started = now_ms() }
      return wrk.format("PUT", "/api/quiz/sessions/" .. slot.session .. "/answers/" .. slot.position,
        { ["Authorization"] = "Bearer " .. slot.token, ["Content-Type"] = "application/json" },
        '{"answer": ' .. value .. '}')
    end
  end
  if kind == "read" then
    local s = sessions[math.random(#sessions)]
    current = { kind = "read", started = now_ms() }
    return wrk.format("GET", "/api/quiz/sessions/" .. s.id, { ["Authorization"] = "Bearer " .. s.token })
  end
  study_page = (study_page % 5) + 1
  current = { kind = "study", started = now_ms() }
  return wrk.format("GET", "/api/content/questions?per_page=20&page=" .. study_page)
end

function response(status, headers, body)
  if current == nil then return end
  local kind = current.kind
  local ms = math.floor(now_ms() - current.started)
  local hist_key, status_key = kind .. "\t" .. ms, kind .. "\t" .. status
  hist[hist_key] = (hist[hist_key] or 0) + 1
  statuses[status_key] = (statuses[status_key] or 0) + 1
  if kind == "save" and status == 200 then
    acked[current.slot] = current.value
    pending[current.slot] = nil
  end
  current = nil
end

function done(summary, latency, requests)
  io.write(string.format("BENCH\tsummary\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", summary.requests,
    summary.duration, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
  for _, thread in ipairs(threads) do
    for slot, value in pairs(thread:get("acked")) do
      io.write("BENCH\tacked\t" .. slot .. "\t" .. value .. "\n")
    end
    for slot, value in pairs(thread:get("pending")) do
      io.write("BENCH\tpending\t" .. slot .. "\t" .. value .. "\n")
    end
    for key, n in pairs(thread:get("hist")) do
      io.write(string.format("BENCH\tms\t%s\t%d\n", key, n))
    end
    for key, n in pairs(thread:get("statuses")) do
      io.write(string.format("BENCH\tstatus\t%s\t%d\n", key, n))
    end
  end
end
