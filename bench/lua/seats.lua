-- wrk scenarios for the seat service (wrk 4.1, LuaJIT). One script, the scenario is the
-- first argument after "--":
--
--   wrk ... -s bench/lua/seats.lua URL -- SCENARIO USERS_FILE SHOW_LO SHOW_HI SEAT_LO SEAT_HI HOT_SEAT
--
--   null   GET /api/v1/health/live (nginx -> FastCGI pool, no database) or any URL path
--          given as the wrk URL (the nginx "return 200" ceiling)
--   reads  GET /api/v1/shows/:id/seats, random bench show, anonymous
--   holds  PATCH /api/v1/seats/:id/lock on a random seat, then (once the 200 is back)
--          DELETE of the same seat by the same user
--   hot    every request on HOT_SEAT: a random user locks (50%) or releases (50%)
--   mixed  by request share: 80% seat-map reads (with a token), 15% hold then release,
--          5% hold then book (POST /api/v1/bookings)
--
-- USERS_FILE has lines "USER_ID TOKEN" for user1..userN. Seat s always acts as the user
-- on line (s mod N) + 1, so the release (or booking) that follows a lock is sent by the
-- same user, whichever connection carries it, and no user ever holds more than one seat
-- of a show (bench shows have 50 consecutive seat ids, there are 200 users): the hold
-- limit never interferes.
--
-- wrk's request() cannot tell which connection it writes to, so a second step (release,
-- book) is queued per thread when response() sees the lock's 200 and is sent as the next
-- request of that thread: it can never overtake its lock.
--
-- Each thread counts statuses; done() prints one JSON line "BENCH_JSON {...}".

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

local scenario, users, n_users
local show_lo, show_hi, seat_lo, seat_hi, hot_seat
local pending = {}      -- queued second steps: {kind, seat, show}
local intent = {}       -- seat -> "release" | "book", for locks in flight (mixed)
local random = math.random

c2xx, c409, c4xx, c5xx, cother = 0, 0, 0, 0, 0
n_lock_ok, n_released, n_booked = 0, 0, 0

local function read_users(path)
  local list = {}
  local f = assert(io.open(path, "r"), "cannot open " .. tostring(path))
  for line in f:lines() do
    local id, token = line:match("^(%d+)%s+(%S+)")
    if id then table.insert(list, {id = tonumber(id), auth = "Bearer " .. token}) end
  end
  f:close()
  assert(#list > 0, "no users in " .. path)
  return list
end

function init(args)
  scenario = args[1] or "null"
  if scenario ~= "null" then
    users = read_users(args[2])
    n_users = #users
    show_lo, show_hi = tonumber(args[3]), tonumber(args[4])
    seat_lo, seat_hi = tonumber(args[5]), tonumber(args[6])
    hot_seat = tonumber(args[7])
  end
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919 + math.floor(os.clock() * 1e6))
end

local function user_of_seat(seat)
  return users[(seat % n_users) + 1]
end

local function get_seats(with_token)
  local show = random(show_lo, show_hi)
  local headers = nil
  if with_token then headers = {["Authorization"] = users[random(1, n_users)].auth} end
  return wrk.format("GET", "/api/v1/shows/" .. show .. "/seats", headers)
end

local function lock(seat, user)
  return wrk.format("PATCH", "/api/v1/seats/" .. seat .. "/lock", {["Authorization"] = user.auth})
end

local function release(seat, user)
  return wrk.format("DELETE", "/api/v1/seats/" .. seat .. "/lock", {["Authorization"] = user.auth})
end

local function book(seat, show, user)
  local body = '{"show_id":' .. show .. ',"seat_id":' .. seat .. '}'
  return wrk.format("POST", "/api/v1/bookings",
    {["Authorization"] = user.auth, ["Content-Type"] = "application/json"}, body)
end

local function second_step()
  local step = table.remove(pending)
  if not step then return nil end
  local user = user_of_seat(step.seat)
  if step.kind == "book" then return book(step.seat, step.show, user) end
  return release(step.seat, user)
end

function request()
  if scenario == "null" then
    return wrk.format("GET", nil)
  elseif scenario == "reads" then
    return get_seats(false)
  elseif scenario == "holds" then
    local r = second_step()
    if r then return r end
    local seat = random(seat_lo, seat_hi)
    return lock(seat, user_of_seat(seat))
  elseif scenario == "hot" then
    local user = users[random(1, n_users)]
    if random() < 0.5 then return lock(hot_seat, user) end
    return release(hot_seat, user)
  elseif scenario == "mixed" then
    local r = second_step()
    if r then return r end
    -- Pairs are two requests: 0.075 + 0.025 of actions give 15% + 5% of requests.
    local x = random()
    if x < 0.8 / 0.9 then return get_seats(true) end
    local seat = random(seat_lo, seat_hi)
    if x < (0.8 + 0.075) / 0.9 then intent[seat] = "release" else intent[seat] = "book" end
    return lock(seat, user_of_seat(seat))
  end
  error("unknown scenario " .. tostring(scenario))
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    c2xx = c2xx + 1
  elseif status == 409 then
    c409 = c409 + 1
  elseif status >= 400 and status < 500 then
    c4xx = c4xx + 1
  elseif status >= 500 then
    c5xx = c5xx + 1
  else
    cother = cother + 1
  end
  if status == 200 and (scenario == "holds" or scenario == "mixed") and body then
    if body:find('"Locked"', 1, true) then
      n_lock_ok = n_lock_ok + 1
      local seat = tonumber(body:match('"seat_id":%s*(%d+)'))
      local show = tonumber(body:match('"show_id":%s*(%d+)'))
      if seat then
        local kind = "release"
        if scenario == "mixed" then
          kind = intent[seat] or "release"
          intent[seat] = nil
        end
        table.insert(pending, {kind = kind, seat = seat, show = show})
      end
    elseif body:find('"Released"', 1, true) then
      n_released = n_released + 1
    end
  elseif status == 201 then
    n_booked = n_booked + 1
  end
end

function done(summary, latency, requests)
  local t = {c2xx = 0, c409 = 0, c4xx = 0, c5xx = 0, cother = 0,
             n_lock_ok = 0, n_released = 0, n_booked = 0}
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + (thread:get(k) or 0) end
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,' ..
    '"p99_ms":%.3f,"max_ms":%.3f,"mean_ms":%.3f,"s2xx":%d,"s409":%d,"s4xx":%d,"s5xx":%d,' ..
    '"sother":%d,"err_connect":%d,"err_read":%d,"err_write":%d,"err_timeout":%d,' ..
    '"socket_errors":%d,"locks_ok":%d,"released":%d,"booked":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    t.c2xx, t.c409, t.c4xx, t.c5xx, t.cother,
    e.connect, e.read, e.write, e.timeout, e.connect + e.read + e.write + e.timeout,
    t.n_lock_ok, t.n_released, t.n_booked))
end
