-- admin-release: an operator frees a shard's lease (`mqkit kinesis lease release`), e.g. from a
-- worker that hangs but still heartbeats.
-- KEYS[1] leases  KEYS[2] shards  KEYS[3] inflight  KEYS[4] attempts
-- ARGV[1] shard
-- Fenced like the consumer's own release, in one step: the owner becomes '' (its holder can
-- neither settle nor renew at its epoch any more) and the claim it had out counts as an abandoned
-- attempt of each record it held (as when a lease expires), so a record that hangs every worker is
-- still dead-lettered after maxAttempts. Any live worker takes the shard at its next balancing cycle.
-- Returns JSON {ok, code, owner, epoch}: code '' (released), 'unknown-shard', 'finished', 'free'
-- (nobody holds it: nothing to release). Nothing changes unless ok.
local shard = ARGV[1]
local now = now_ms()
local row = hget_json(KEYS[2], shard)
if row == nil then return cjson.encode({ ok = false, code = 'unknown-shard', owner = '', epoch = 0 }) end
if tonumber(row.d) == 1 then return cjson.encode({ ok = false, code = 'finished', owner = '', epoch = 0 }) end
local l = hget_json(KEYS[1], shard)
if l == nil or l.o == '' or tonumber(l.x) <= now then
  return cjson.encode({ ok = false, code = 'free', owner = '', epoch = 0 })
end
abandon_marker(KEYS[3], KEYS[4], shard)
free_lease(KEYS[1], shard, l)
return cjson.encode({ ok = true, code = '', owner = l.o, epoch = tonumber(l.e) })
