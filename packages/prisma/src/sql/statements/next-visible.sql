-- When the next message of queue $1 becomes claimable (a delayed message comes due, a retry's
-- backoff ends, a lease runs out): milliseconds from now by this server's clock, or NULL when the
-- queue is empty. The claim index answers it from its first entry.
--   $1 queue text
SELECT greatest(0, (extract(epoch FROM (min(visible_at) - now())) * 1000))::float8 AS in_ms
FROM {{schema}}.messages
WHERE queue = $1
