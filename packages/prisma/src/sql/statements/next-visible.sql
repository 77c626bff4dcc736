-- When the next message of queue $1 becomes claimable (a delayed message comes due, a retry's
-- backoff ends, a lease runs out): milliseconds from now by this server's clock, or NULL when the
-- queue is empty. Looks at the head of the claim index (the first 5,000 rows by due time: leased
-- rows are there, at most what the consumers hold); the polling backstop covers anything beyond.
-- Negative when a message is already due (the caller looks again at once). No greatest(0, …) here:
-- greatest ignores NULL, and would turn "empty" into "due now" (an idle consumer polling nonstop).
--   $1 queue text
SELECT (extract(epoch FROM (min(greatest(due_at, coalesce(lease_until, due_at))) - now())) * 1000)::float8 AS in_ms
FROM (
  SELECT due_at, lease_until FROM {{schema}}.messages WHERE queue = $1 ORDER BY due_at, seq LIMIT 5000
) head
