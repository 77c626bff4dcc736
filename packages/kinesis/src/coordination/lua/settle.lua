-- settle: applies a claim's outcome on each of its shards, fenced by lease owner and epoch (and
-- by records set aside at receive: poison pills, undecodable and expired records).
-- KEYS[1] leases  KEYS[2] checkpoints  KEYS[3] inflight  KEYS[4] attempts
-- KEYS[5] dead letters (stream)  KEYS[6] dead-letter index (hash message id -> entry id)
-- ARGV[1] me
-- ARGV[2] JSON {{s = shard, e = epoch, k = claimToken or '', cp = position or nil,
--                 retry = {{pos, error, runAt}} or nil, dead = {{id, pos, letter}} or nil,
--                 ahead = {pos, …} or nil}}  (ahead: records settled past a record still waiting)
-- Per shard: the checkpoint moves to `cp` (never backwards: compared as big integers); attempt
-- entries at or before it are dropped; each retry adds an entry for its record, each record settled
-- ahead a done entry (a new owner skips it); each dead letter is added to the stream and
-- indexed; the claim's in-flight marker is cleared.
-- A settle applied before (its marker is gone: the answer was lost and core sent it again) only
-- moves the checkpoint again, which is idempotent; a message id already in the dead letters is not
-- added twice.
-- Returns JSON {lost = {shard, …}, checkpoints = {{shard, position}}}: a lost shard changed nothing.
local me = ARGV[1]
local now = now_ms()
local lost = {}
local moved = {}
for _, it in ipairs(cjson.decode(ARGV[2])) do
  local shard = it.s
  if not lease_valid(hget_json(KEYS[1], shard), me, it.e, now) then
    table.insert(lost, shard)
  else
    -- Applied before (the answer was lost and the settle came again): only the idempotent part again.
    local fresh = it.k == ''
    if not fresh then
      local marker = hget_json(KEYS[3], shard)
      fresh = marker ~= nil and marker.k == it.k
    end
    if fresh and it.dead ~= nil then
      for _, d in ipairs(it.dead) do
        if redis.call('HEXISTS', KEYS[6], d[1]) == 0 then
          local id = redis.call('XADD', KEYS[5], '*', 'id', d[1], 'shard', shard, 'pos', d[2], 'letter', d[3])
          redis.call('HSET', KEYS[6], d[1], id)
        end
      end
    end
    if it.cp ~= nil then
      local current = redis.call('HGET', KEYS[2], shard)
      if current == false or pos_cmp(it.cp, current) > 0 then
        redis.call('HSET', KEYS[2], shard, it.cp)
        table.insert(moved, { shard, it.cp })
      end
      prune_attempts(KEYS[4], shard, redis.call('HGET', KEYS[2], shard))
    end
    if fresh and ((it.retry ~= nil and #it.retry > 0) or (it.ahead ~= nil and #it.ahead > 0)) then
      local list = hget_json(KEYS[4], shard) or {}
      for _, r in ipairs(it.retry or {}) do
        table.insert(list, { f = r[1], t = r[1], n = 1, err = r[2], r = r[3] })
      end
      for _, pos in ipairs(it.ahead or {}) do table.insert(list, { f = pos, t = pos, n = 0, d = 1 }) end
      hset_json(KEYS[4], shard, list)
    end
    if it.k ~= '' then
      local marker = hget_json(KEYS[3], shard)
      if marker ~= nil and marker.k == it.k then redis.call('HDEL', KEYS[3], shard) end
    end
  end
end
return cjson.encode({ lost = lost, checkpoints = moved })
