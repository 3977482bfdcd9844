-- Plain GETs for `bench/load.py` (the cached study list, the hello world): cycles through the
-- paths given after `--`, and reports the totals and the status codes seen.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = args
  next_path = 0
  statuses = {}
end

function request()
  next_path = (next_path % #paths) + 1
  return wrk.format("GET", paths[next_path])
end

function response(status, headers, body)
  local key = "get\t" .. status -- string keys: wrk copies only those to `done` safely
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("BENCH\tsummary\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", summary.requests,
    summary.duration, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
  for _, p in ipairs({ 50, 95, 99 }) do
    io.write(string.format("BENCH\tpercentile\t%d\t%d\n", p, latency:percentile(p)))
  end
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get("statuses")) do
      io.write(string.format("BENCH\tstatus\t%s\t%d\n", key, n))
    end
  end
end
