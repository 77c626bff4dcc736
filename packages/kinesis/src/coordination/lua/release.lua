-- release: gives shard leases up (graceful shutdown, a rebalance hand-over, an abandoned claim).
-- KEYS[1] members  KEYS[2] leases  KEYS[3] inflight  KEYS[4] attempts  KEYS[5] epochs
-- ARGV[1] me  ARGV[2] leaseMs  ARGV[3] JSON {{shard, epoch, to, abandoned}}  ARGV[4] '1' to leave
-- `to`: a live worker to hand the shard to directly (new epoch, its lease from now), '' to free
-- it for anyone, or `me` to keep it (only the abandoned delivery is recorded). `abandoned` = 1: the claim in flight was given up unsettled, which counts as an
-- attempt of each record it held; otherwise the in-flight marker is just cleared.
-- Returns JSON {released = {{shard, to, epoch}}, skipped = {shard, …}} (skipped: not ours any more).
local me = ARGV[1]
local now = now_ms()
local live = live_members(KEYS[1], now)
local released = {}
local skipped = {}
for _, it in ipairs(cjson.decode(ARGV[3])) do
  local shard = it[1]
  local l = hget_json(KEYS[2], shard)
  if l ~= nil and l.o == me and tonumber(l.e) == tonumber(it[2]) then
    if tonumber(it[4]) == 1 then abandon_marker(KEYS[3], KEYS[4], shard) else redis.call('HDEL', KEYS[3], shard) end
    local to = it[3]
    if to == me then
      -- Kept: only the abandoned delivery is recorded (nobody else is there to take the shard).
      table.insert(released, { shard, me, l.e })
    elseif to ~= '' and live[to] then
      local epoch = redis.call('HINCRBY', KEYS[5], shard, 1)
      hset_json(KEYS[2], shard, { o = to, e = epoch, x = now + tonumber(ARGV[2]), t = now })
      table.insert(released, { shard, to, epoch })
    else
      free_lease(KEYS[2], shard, l)
      table.insert(released, { shard, '', l.e })
    end
  else
    table.insert(skipped, shard)
  end
end
if ARGV[4] == '1' then redis.call('ZREM', KEYS[1], me) end
return cjson.encode({ released = released, skipped = skipped })
