-- finish: a shard was read to SHARD_END and every record of it settled (the ShutdownTask of a
-- closed shard). Marks it finished, drops its lease, checkpoint, marker and attempts, and creates
-- the lease of each child whose parents are now all finished, owned by this worker (a child goes
-- to its parent's owner; balancing moves it later if needed), in the same step.
-- KEYS[1] leases  KEYS[2] shards  KEYS[3] checkpoints  KEYS[4] inflight  KEYS[5] attempts  KEYS[6] epochs
-- ARGV[1] me  ARGV[2] shard  ARGV[3] epoch  ARGV[4] leaseMs
-- Returns JSON {ok, children = {{shard, epoch, expiry}}}; ok = false: the lease was lost (nothing changed).
local me = ARGV[1]
local shard = ARGV[2]
local now = now_ms()
if not lease_valid(hget_json(KEYS[1], shard), me, ARGV[3], now) then
  return cjson.encode({ ok = false, children = {} })
end
local s = hget_json(KEYS[2], shard) or { p = {} }
s.d = 1
hset_json(KEYS[2], shard, s)
redis.call('HDEL', KEYS[1], shard)
redis.call('HDEL', KEYS[3], shard)
redis.call('HDEL', KEYS[4], shard)
redis.call('HDEL', KEYS[5], shard)
local children = {}
local raw = redis.call('HGETALL', KEYS[2])
local all = {}
for i = 1, #raw, 2 do all[raw[i]] = cjson.decode(raw[i + 1]) end
for id, c in pairs(all) do
  local isChild = false
  local ready = tonumber(c.d) ~= 1
  for _, p in ipairs(c.p or {}) do
    if p == shard then isChild = true end
    if all[p] ~= nil and tonumber(all[p].d) ~= 1 then ready = false end
  end
  if isChild and ready then
    local l = hget_json(KEYS[1], id)
    if l == nil or l.o == '' or tonumber(l.x) <= now then
      local epoch = redis.call('HINCRBY', KEYS[6], id, 1)
      hset_json(KEYS[1], id, { o = me, e = epoch, x = now + tonumber(ARGV[4]), t = now })
      table.insert(children, { id, epoch, now + tonumber(ARGV[4]) })
    end
  end
end
return cjson.encode({ ok = true, children = children })
