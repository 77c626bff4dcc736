-- heartbeat: renews this worker's membership and every shard lease it holds (the LeaseRenewer).
-- KEYS[1] members  KEYS[2] leases
-- ARGV[1] me  ARGV[2] memberTtlMs  ARGV[3] leaseMs  ARGV[4] JSON {{shard, epoch}} held
-- Returns JSON {now, renewed = {{shard, expiry, wantedBy}}, lost = {{shard, owner}}}. A lease is
-- renewed only while it is this worker's, at this epoch, and not yet expired by Redis time: an
-- expired lease is lost even if nobody took it yet (it must be taken again, with a new epoch).
-- `wantedBy`: a live worker that asked for the shard (hand it over between batches), or ''.
local me = ARGV[1]
local now = now_ms()
local leaseMs = tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), me)
local live = live_members(KEYS[1], now)
local renewed = {}
local lost = {}
for _, h in ipairs(cjson.decode(ARGV[4])) do
  local shard = h[1]
  local l = hget_json(KEYS[2], shard)
  if lease_valid(l, me, h[2], now) then
    l.x = now + leaseMs
    local wanted = ''
    if l.w ~= nil and l.w ~= '' then
      if live[l.w] then wanted = l.w else l.w = nil; l.wa = nil end
    end
    hset_json(KEYS[2], shard, l)
    table.insert(renewed, { shard, l.x, wanted })
  else
    table.insert(lost, { shard, (l and l.o) or '' })
  end
end
return cjson.encode({ now = now, renewed = renewed, lost = lost })
