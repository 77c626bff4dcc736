-- reserve-ids: publisher-given ids are unique in a stream for a retention window.
-- KEYS[1] ids (zset id -> expiry ms)
-- ARGV[1] retentionMs  ARGV[2..] the ids of one batch
-- Returns 0 and reserves every id, or the 1-based index (among ARGV[2..]) of the first id the
-- stream already holds, reserving nothing.
local now = now_ms()
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then return i - 1 end
end
local until_ms = now + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], until_ms, ARGV[i]) end
return 0
