-- assign: one balancing cycle of one worker (the LeaseTaker). Atomic over every lease of the stream.
-- KEYS[1] members (zset worker -> expiry ms)   KEYS[2] leases (hash shard -> {o,e,x,w,wa})
-- KEYS[3] shards (hash shard -> {p,d})         KEYS[4] inflight (hash shard -> marker)
-- KEYS[5] attempts (hash shard -> entries)     KEYS[6] epochs (hash shard -> last epoch)
-- ARGV[1] me  ARGV[2] memberTtlMs  ARGV[3] leaseMs  ARGV[4] maxStealsPerCycle
-- ARGV[5] stealTimeoutMs (a steal request not honoured by then is forced)
-- ARGV[6] JSON array of shards this worker must not take now (it just gave them up)
-- ARGV[7] minHoldMs: a shard is not asked for before its owner held it this long (no churn at start)
-- Returns JSON {owned = {{shard, epoch, expiry}}, taken = {{shard, epoch, from, how}},
--   requested = {{shard, owner}}, workers, shards, now, loads = {worker = leases},
--   nextExpiry = earliest expiry of another worker's lease (0: none)}. `how`: free | expired | stolen.
-- Rules: expired or free leases first, up to ceil(shards / workers); then, while this worker has
-- fewer than floor(shards / workers), ask the most loaded worker for one of its shards (idle ones
-- first, held at least minHoldMs): it hands the shard over between batches; a request not honoured within stealTimeoutMs
-- is forced (new epoch). A shard is assignable when it is not finished and every parent is.
local me = ARGV[1]
local now = now_ms()
local leaseMs = tonumber(ARGV[3])
local maxSteals = tonumber(ARGV[4])
local stealTimeout = tonumber(ARGV[5])
local minHold = tonumber(ARGV[7])
local avoid = {}
for _, s in ipairs(cjson.decode(ARGV[6])) do avoid[s] = true end

-- Membership is renewed by the heartbeat only (with the leases, so both expire together); a
-- balancing cycle adds this worker if it is not a member yet.
redis.call('ZADD', KEYS[1], 'NX', now + tonumber(ARGV[2]), me)
local live = live_members(KEYS[1], now)
local workers = 0
local counts = {}
for m in pairs(live) do workers = workers + 1; counts[m] = 0 end

local table_raw = redis.call('HGETALL', KEYS[3])
local shards = {}
for i = 1, #table_raw, 2 do shards[table_raw[i]] = cjson.decode(table_raw[i + 1]) end
local assignable = {}
local n = 0
for id, s in pairs(shards) do
  if tonumber(s.d) ~= 1 then
    local ready = true
    for _, p in ipairs(s.p or {}) do
      local parent = shards[p]
      if parent ~= nil and tonumber(parent.d) ~= 1 then ready = false end
    end
    if ready then assignable[id] = true; n = n + 1 end
  end
end

local leases = {}
local held = {} -- owner -> list of shards
local free = {}
for id in pairs(assignable) do
  local l = hget_json(KEYS[2], id)
  leases[id] = l
  if l ~= nil and l.o ~= '' and live[l.o] and tonumber(l.x) > now then
    counts[l.o] = (counts[l.o] or 0) + 1
    held[l.o] = held[l.o] or {}
    table.insert(held[l.o], id)
  elseif not avoid[id] then
    table.insert(free, id)
  end
end
table.sort(free)
-- Leases of finished shards are not needed any more.
local all_leases = redis.call('HKEYS', KEYS[2])
for _, id in ipairs(all_leases) do
  local s = shards[id]
  if s == nil or tonumber(s.d) == 1 then redis.call('HDEL', KEYS[2], id) end
end

local lo = 0
local hi = 0
if workers > 0 then
  lo = math.floor(n / workers)
  hi = math.ceil(n / workers)
end
local taken = {}
local mine = counts[me] or 0

local function take(id, how, from)
  local epoch = redis.call('HINCRBY', KEYS[6], id, 1)
  if how == 'expired' then abandon_marker(KEYS[4], KEYS[5], id) else redis.call('HDEL', KEYS[4], id) end
  hset_json(KEYS[2], id, { o = me, e = epoch, x = now + leaseMs, t = now })
  table.insert(taken, { id, epoch, from, how })
  mine = mine + 1
end

for _, id in ipairs(free) do
  if mine >= hi then break end
  local l = leases[id]
  if l == nil or l.o == '' then
    take(id, 'free', '')
  else
    -- Expired by Redis time, or its owner's membership expired: a dead or frozen owner.
    take(id, 'expired', l.o)
  end
end

local requested = {}
local steals = 0
while mine + #requested < lo and steals < maxSteals do
  local victim = nil
  local most = mine + 1
  for w, c in pairs(counts) do
    if w ~= me and c > most then victim = w; most = c end
  end
  if victim == nil then break end
  local list = {}
  for _, id in ipairs(held[victim]) do
    local l = leases[id]
    if l.w == me or (tonumber(l.t) or 0) + minHold <= now then table.insert(list, id) end
  end
  table.sort(list)
  local pick = nil
  -- A shard this worker already asked for, else an idle one, else any.
  for _, id in ipairs(list) do
    if leases[id].w == me then pick = id; break end
  end
  if pick == nil then
    for _, id in ipairs(list) do
      if redis.call('HEXISTS', KEYS[4], id) == 0 and not avoid[id] then pick = id; break end
    end
  end
  if pick == nil then
    for _, id in ipairs(list) do
      if not avoid[id] then pick = id; break end
    end
  end
  if pick == nil then break end
  local l = leases[pick]
  if l.w == me and tonumber(l.wa) + stealTimeout <= now then
    -- The owner did not hand it over in time: take it (its unsettled batch is not counted).
    take(pick, 'stolen', victim)
  else
    if l.w ~= me then
      l.w = me
      l.wa = now
      hset_json(KEYS[2], pick, l)
    end
    table.insert(requested, { pick, victim })
  end
  counts[victim] = counts[victim] - 1
  for i, id in ipairs(held[victim]) do
    if id == pick then table.remove(held[victim], i); break end
  end
  steals = steals + 1
end

local owned = {}
local loads = {}
for w in pairs(live) do loads[w] = 0 end
local nextExpiry = 0
for id in pairs(assignable) do
  local l = hget_json(KEYS[2], id)
  if l ~= nil and l.o ~= '' and tonumber(l.x) > now then
    if l.o == me then table.insert(owned, { id, tonumber(l.e), tonumber(l.x) }) end
    if live[l.o] then loads[l.o] = loads[l.o] + 1 end
    if l.o ~= me and (nextExpiry == 0 or tonumber(l.x) < nextExpiry) then nextExpiry = tonumber(l.x) end
  end
end
return cjson.encode({ owned = owned, taken = taken, requested = requested, workers = workers, shards = n, now = now, loads = loads, nextExpiry = nextExpiry })
