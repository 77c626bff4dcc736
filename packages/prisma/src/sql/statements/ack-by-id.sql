-- Settle a claim whose every message was acked, by id: what ack.sql did not find at the
-- addresses it was given (rows a renewal moved). Deletes them, fenced by the token.
--   $1 queue text, $2 token text, $3 ids text[], $4 dedupe window ms float8
-- Returns the ids that were applied; an id missing from the answer was no longer held by the
-- token (its lease ran out and another consumer claimed it): per-message fencing.
WITH acked AS (
  DELETE FROM {{schema}}.messages m
  WHERE m.queue = $1 AND m.id = ANY($3::text[]) AND m.lease_token = $2
  RETURNING m.id, m.dedupe_key
),
released_keys AS (
  UPDATE {{schema}}.dedupe_keys d SET held_until = now() + $4 * interval '1 millisecond'
  FROM acked a
  WHERE a.dedupe_key IS NOT NULL AND d.queue = $1 AND d.dedupe_key = a.dedupe_key AND d.message_id = a.id
  RETURNING d.dedupe_key
)
SELECT id FROM acked
