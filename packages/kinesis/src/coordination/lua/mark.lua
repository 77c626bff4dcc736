-- mark: records that a claim is about to be handed out, so that a worker dying with it unsettled
-- leaves a trace: the next owner counts the delivery as an attempt of each record it held.
-- KEYS[1] leases  KEYS[2] inflight
-- ARGV[1] me  ARGV[2] JSON {{shard, epoch, firstPos, lastPos, claimToken}}
-- Returns JSON {lost = {shard, …}}: with any lost shard nothing is written (the caller drops those
-- shards' records from the claim and marks the rest again).
local me = ARGV[1]
local now = now_ms()
local items = cjson.decode(ARGV[2])
local lost = {}
for _, it in ipairs(items) do
  if not lease_valid(hget_json(KEYS[1], it[1]), me, it[2], now) then table.insert(lost, it[1]) end
end
if #lost == 0 then
  for _, it in ipairs(items) do
    hset_json(KEYS[2], it[1], { e = it[2], f = it[3], t = it[4], k = it[5] })
  end
end
return cjson.encode({ lost = lost })
