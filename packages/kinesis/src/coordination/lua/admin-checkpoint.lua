-- admin-checkpoint: an operator moves a shard's checkpoint (`mqkit kinesis checkpoint set|advance`).
-- KEYS[1] leases  KEYS[2] shards  KEYS[3] checkpoints  KEYS[4] inflight  KEYS[5] attempts
-- ARGV[1] shard  ARGV[2] position ("seq" or "seq:sub")  ARGV[3] 'set' (any direction) or 'advance'
-- (forward only)
-- Fenced like a consumer's own write, in one step: the shard must be known and not finished; the
-- checkpoint moves; attempt entries at or before it are dropped; the lease is revoked (owner '',
-- so its holder can neither settle nor renew at its epoch any more, and the claim it has out is
-- forgotten, not counted as an attempt): the next owner starts from the new checkpoint.
-- Returns JSON {ok, code, previous, owner, epoch}: code '' (moved), 'unknown-shard', 'finished',
-- 'backwards' (advance to a position at or before the checkpoint). Nothing changes unless ok.
local shard = ARGV[1]
local pos = ARGV[2]
local now = now_ms()
local row = hget_json(KEYS[2], shard)
local previous = redis.call('HGET', KEYS[3], shard)
if previous == false then previous = '' end
local function refuse(code)
  return cjson.encode({ ok = false, code = code, previous = previous, owner = '', epoch = 0 })
end
if row == nil then return refuse('unknown-shard') end
if tonumber(row.d) == 1 then return refuse('finished') end
if ARGV[3] == 'advance' and previous ~= '' and pos_cmp(pos, previous) <= 0 then return refuse('backwards') end
redis.call('HSET', KEYS[3], shard, pos)
prune_attempts(KEYS[5], shard, pos)
local owner = ''
local epoch = 0
local l = hget_json(KEYS[1], shard)
if l ~= nil then
  epoch = tonumber(l.e) or 0
  if l.o ~= '' and tonumber(l.x) > now then owner = l.o end
  free_lease(KEYS[1], shard, l)
end
redis.call('HDEL', KEYS[4], shard)
return cjson.encode({ ok = true, code = '', previous = previous, owner = owner, epoch = epoch })
