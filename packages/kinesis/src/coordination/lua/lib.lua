-- Helpers shared by every script (prepended to each one when the scripts are defined).
-- Times come from Redis TIME, never from a host clock. Positions are "seq" (a whole record) or
-- "seq:sub" (sub-record `sub` of a KPL-aggregated record); seq is a decimal string of up to 128
-- digits, compared as a big integer.

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function seq_cmp(a, b)
  a = string.gsub(a, '^0+', '')
  b = string.gsub(b, '^0+', '')
  if #a ~= #b then return (#a < #b) and -1 or 1 end
  if a == b then return 0 end
  return (a < b) and -1 or 1
end

-- "seq" is a whole record: past every sub-record of it.
local function pos_parse(p)
  local seq, sub = string.match(p, '^(%d+):(%d+)$')
  if seq then return seq, tonumber(sub) end
  return p, math.huge
end

local function pos_cmp(a, b)
  local as, au = pos_parse(a)
  local bs, bu = pos_parse(b)
  local c = seq_cmp(as, bs)
  if c ~= 0 then return c end
  if au == bu then return 0 end
  return (au < bu) and -1 or 1
end

local function hget_json(key, field)
  local v = redis.call('HGET', key, field)
  if v then return cjson.decode(v) end
  return nil
end

local function hset_json(key, field, value)
  redis.call('HSET', key, field, cjson.encode(value))
end

-- A lease this worker may act on: its owner, its epoch, not expired by Redis time.
local function lease_valid(lease, me, epoch, now)
  return lease ~= nil and lease.o == me and tonumber(lease.e) == tonumber(epoch) and tonumber(lease.x) > now
end

-- Frees a lease, keeping its epoch (the next owner takes the next one): its holder can neither
-- settle nor renew at that epoch any more.
local function free_lease(leases, shard, lease)
  hset_json(leases, shard, { o = '', e = lease.e, x = 0 })
end

-- Live members (expired ones removed first), as a set.
local function live_members(members, now)
  redis.call('ZREMRANGEBYSCORE', members, '-inf', now)
  local live = {}
  for _, m in ipairs(redis.call('ZRANGE', members, 0, -1)) do live[m] = true end
  return live
end

-- The delivery a dead owner left unsettled counts as an attempt of each record it held.
local function abandon_marker(inflight, attempts, shard)
  local marker = hget_json(inflight, shard)
  if marker == nil then return end
  local list = hget_json(attempts, shard) or {}
  table.insert(list, { f = marker.f, t = marker.t, n = 1, a = 1 })
  hset_json(attempts, shard, list)
  redis.call('HDEL', inflight, shard)
end

-- Attempt entries wholly at or before `pos` are done with.
local function prune_attempts(attempts, shard, pos)
  local list = hget_json(attempts, shard)
  if list == nil then return end
  local kept = {}
  for _, e in ipairs(list) do
    if pos_cmp(e.t, pos) > 0 then table.insert(kept, e) end
  end
  if #kept == 0 then redis.call('HDEL', attempts, shard) else hset_json(attempts, shard, kept) end
end
