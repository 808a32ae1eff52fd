-- Roost's benchmark workload for wrk: the DeathStarBench social-network mix.
--
--   wrk -t2 -c32 -d10s -s bench/wrk/roost.lua http://127.0.0.1:8000 -- USERS MIX
--
-- USERS is a file written by `roost-bench bench`, one seeded account a line:
-- "<account id> <bearer token> <username>", and for the notifications step two more
-- fields: "<notification id>,..." (max_id cursors deep in that person's list) and
-- "<post id>,..." (posts of theirs others may like). MIX weights the request kinds,
-- e.g. "home:60,user:30,post:10" (the DeathStarBench mix) or "instance:100".
-- Kinds: home (GET /api/v1/timelines/home), user (GET /api/v1/accounts/:id/statuses),
-- post (POST /api/v1/statuses with 1-3 mentions and 1-2 links), plainpost (the same
-- without mentions), instance (GET /api/v1/instance, the floor of the stack),
-- notif (GET /api/v1/notifications), notifdeep (the same with a max_id cursor),
-- grouped (GET /api/v2/notifications), like (POST /api/v1/statuses/:id/favourite on
-- a random listed post). Every request acts as a random user. An optional third
-- argument PACE (milliseconds) makes each connection wait that long between its
-- requests: the soak holds a chosen rate with it (wrk itself has no rate option).
--
-- No response() callback is defined on purpose: with one, wrk parses every body in
-- Lua and the load generator becomes the bottleneck. wrk still counts non-2xx
-- answers (errors.status), and done() prints the summary as one JSON line.

local users = {}
local targets = {}
local mix = {}
local total = 0
local counter = 0
local links = {
  "https://example.com/articles/",
  "https://news.example.org/story/",
  "https://roost.example/p/",
}

local next_thread = 1
function setup(thread)
  thread:set("thread_number", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  for line in io.lines(args[1]) do
    local id, token, name, rest = line:match("^(%S+) (%S+) (%S+)(.*)$")
    if id then
      local cursors_field, posts_field = rest:match("^ (%S+) (%S+)$")
      local cursors = {}
      for cursor in string.gmatch(cursors_field or "", "%d+") do
        cursors[#cursors + 1] = cursor
      end
      for post in string.gmatch(posts_field or "", "%d+") do
        targets[#targets + 1] = post
      end
      users[#users + 1] = { id = id, token = token, name = name, cursors = cursors }
    end
  end
  for kind, weight in string.gmatch(args[2], "(%a+):(%d+)") do
    total = total + tonumber(weight)
    mix[#mix + 1] = { kind = kind, upto = total }
  end
  math.randomseed(os.time() * 1000 + (thread_number or 0) * 7919)
  local pace = tonumber(args[3] or "")
  if pace and pace > 0 then
    -- Defined only when pacing: wrk checks once whether a delay() exists.
    delay = function()
      return pace
    end
  end
end

local function pick_kind()
  local r = math.random(total)
  for _, entry in ipairs(mix) do
    if r <= entry.upto then
      return entry.kind
    end
  end
  return mix[#mix].kind
end

local function post_body(me, mentions)
  local parts = {}
  for _ = 1, mentions do
    parts[#parts + 1] = "@" .. users[math.random(#users)].name
  end
  counter = counter + 1
  parts[#parts + 1] = "benchmark post " .. thread_number .. "-" .. counter .. " by " .. me.name
  for _ = 1, math.random(1, 2) do
    parts[#parts + 1] = links[math.random(#links)] .. math.random(1000000)
  end
  return '{"status":"' .. table.concat(parts, " ") .. '"}'
end

function request()
  local kind = pick_kind()
  if kind == "instance" then
    return wrk.format("GET", "/api/v1/instance")
  end
  local me = users[math.random(#users)]
  local headers = { ["Authorization"] = "Bearer " .. me.token }
  if kind == "home" then
    return wrk.format("GET", "/api/v1/timelines/home", headers)
  elseif kind == "user" then
    local other = users[math.random(#users)]
    return wrk.format("GET", "/api/v1/accounts/" .. other.id .. "/statuses", headers)
  elseif kind == "notif" then
    return wrk.format("GET", "/api/v1/notifications", headers)
  elseif kind == "notifdeep" then
    local cursor = me.cursors[math.random(#me.cursors)]
    return wrk.format("GET", "/api/v1/notifications?max_id=" .. cursor, headers)
  elseif kind == "grouped" then
    return wrk.format("GET", "/api/v2/notifications", headers)
  elseif kind == "like" then
    local target = targets[math.random(#targets)]
    return wrk.format("POST", "/api/v1/statuses/" .. target .. "/favourite", headers)
  end
  headers["Content-Type"] = "application/json"
  local mentions = kind == "plainpost" and 0 or math.random(1, 3)
  return wrk.format("POST", "/api/v1/statuses", headers, post_body(me, mentions))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'ROOST-BENCH {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9)))
end
