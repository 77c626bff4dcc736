-- remove-dead: removes dead letters (after a replay put them back, or a purge).
-- KEYS[1] dead letters (stream)  KEYS[2] dead-letter index (hash message id -> entry id)
-- ARGV[1] 'ids' or 'entries'  ARGV[2..] message ids, or stream entry ids
-- Returns the number removed.
local removed = 0
for i = 2, #ARGV do
  local entry = ARGV[i]
  local id = nil
  if ARGV[1] == 'ids' then
    id = entry
    entry = redis.call('HGET', KEYS[2], id)
  else
    local fields = redis.call('XRANGE', KEYS[1], entry, entry)
    if #fields == 1 then
      local kv = fields[1][2]
      for j = 1, #kv, 2 do if kv[j] == 'id' then id = kv[j + 1] end end
    end
  end
  if entry then
    removed = removed + redis.call('XDEL', KEYS[1], entry)
    if id then
      if redis.call('HGET', KEYS[2], id) == entry then redis.call('HDEL', KEYS[2], id) end
    end
  end
end
return removed
