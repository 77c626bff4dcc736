-- sync: records the stream's shards as ListShards reported them (the ShardSyncer).
-- KEYS[1] shards  KEYS[2] meta (hash: init = 1 once the first sync ran)
-- ARGV[1] JSON {{shard, {parents…}, closed (0/1)}}  ARGV[2] initial position of the application
-- ('TRIM_HORIZON', 'LATEST' or 'AT_TIMESTAMP:<ms>'; LATEST is stored as AT_TIMESTAMP of the
-- first sync, so a worker that dies before its first checkpoint does not make the next skip records)
-- A shard seen at the application's first sync starts at the initial position (with LATEST, a
-- shard that is already closed is skipped: marked finished); a shard that appears later (a child
-- of a split or merge) starts at TRIM_HORIZON, so nothing written to it is missed. A parent that
-- is no longer listed (trimmed by retention) counts as finished. A finished shard that is no
-- longer listed is forgotten.
-- Returns JSON {added = {shard, …}}.
local first = redis.call('HGET', KEYS[2], 'init') == false
local initial = ARGV[2]
local latest = initial == 'LATEST'
-- LATEST means "from when the application first started", for every worker that ever starts:
-- a worker that dies before its first checkpoint must not make its successor skip records.
if latest then initial = 'AT_TIMESTAMP:' .. now_ms() end
local listed = {}
local added = {}
for _, it in ipairs(cjson.decode(ARGV[1])) do
  local id = it[1]
  listed[id] = true
  if redis.call('HEXISTS', KEYS[1], id) == 0 then
    local start = 'TRIM_HORIZON'
    local done = 0
    if first then
      start = initial
      if latest and tonumber(it[3]) == 1 then done = 1 end
    end
    hset_json(KEYS[1], id, { p = it[2], s = start, d = done })
    table.insert(added, id)
  end
end
local raw = redis.call('HGETALL', KEYS[1])
for i = 1, #raw, 2 do
  local s = cjson.decode(raw[i + 1])
  if not listed[raw[i]] and tonumber(s.d) == 1 then redis.call('HDEL', KEYS[1], raw[i]) end
end
redis.call('HSET', KEYS[2], 'init', 1)
return cjson.encode({ added = added })
