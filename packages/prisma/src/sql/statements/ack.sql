-- Settle a claim whose every message was acked (the hot path): delete them, fenced by the token.
--   $1 queue text, $2 token text, $3 the rows' ctids as an array literal in text ('{"(0,1)",…}'),
--   $4 dedupe window ms float8
-- Returns the ids deleted. A ctid is where claim.sql (or the last renew.sql) left the row; a row
-- that has moved since, or a slot reused by another row, is simply not matched (the token is
-- checked), and the caller settles what is left by id (ack-by-id.sql).
-- The array goes as text and is cast here on purpose: the planner then cannot count its elements
-- and takes a TID scan; given a tid[] parameter of 1,000 elements it costs them as random page
-- reads and prefers a sequential scan of the whole table (~8 ms against ~0.3 ms at 50,000 rows).
WITH acked AS (
  DELETE FROM {{schema}}.messages m
  WHERE m.ctid = ANY(($3::text)::tid[]) AND m.queue = $1 AND m.lease_token = $2
  RETURNING m.id, m.dedupe_key
),
released_keys AS (
  UPDATE {{schema}}.dedupe_keys d SET held_until = now() + $4 * interval '1 millisecond'
  FROM acked a
  WHERE a.dedupe_key IS NOT NULL AND d.queue = $1 AND d.dedupe_key = a.dedupe_key AND d.message_id = a.id
  RETURNING d.dedupe_key
)
SELECT id FROM acked
