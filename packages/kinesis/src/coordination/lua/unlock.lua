-- unlock: releases the stream's start lock if this worker still holds it.
-- KEYS[1] start lock  ARGV[1] the holder's token
-- Returns 1 when released, 0 when another holder has it (or it expired).
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
