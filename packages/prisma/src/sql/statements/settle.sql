-- Settle a claim message by message, in one statement, fenced by the token.
--   $1 queue text, $2 token text, $3 ids text[], $4 kinds text[] ('ack' | 'retry' | 'dead' | 'release'),
--   $5 retry delays ms float8[], $6 errors jsonb[] (retry and dead), $7 reasons text[] (dead),
--   $8 dedupe window ms float8, $9 retry run_at (the publisher's clock, epoch ms) int8[]
-- ack: deleted. retry: due again after its delay (by this server's clock), keeps its last error,
-- keeps its partition key (attempt > 0). dead: moved to dead_letters with reason and error.
-- release: claimable again at once, at its old place (its due_at is unchanged), attempt not
-- counted. Returns the ids applied; the others were no longer held by the token.
WITH s AS (
  SELECT * FROM unnest($3::text[], $4::text[], $5::float8[], $6::jsonb[], $7::text[], $9::int8[]) AS s(id, kind, delay_ms, error, reason, run_at_ms)
),
acked AS (
  DELETE FROM {{schema}}.messages m USING s
  WHERE m.queue = $1 AND m.id = s.id AND m.lease_token = $2 AND s.kind = 'ack'
  RETURNING m.id, m.dedupe_key
),
retried AS (
  UPDATE {{schema}}.messages m
  SET due_at = now() + s.delay_ms * interval '1 millisecond',
      run_at_ms = s.run_at_ms, last_error = s.error, lease_until = NULL, lease_token = NULL, lease_owner = NULL
  FROM s
  WHERE m.queue = $1 AND m.id = s.id AND m.lease_token = $2 AND s.kind = 'retry'
  RETURNING m.id
),
released AS (
  UPDATE {{schema}}.messages m
  SET lease_until = NULL, attempt = m.attempt - 1, lease_token = NULL, lease_owner = NULL
  FROM s
  WHERE m.queue = $1 AND m.id = s.id AND m.lease_token = $2 AND s.kind = 'release'
  RETURNING m.id
),
dead AS (
  DELETE FROM {{schema}}.messages m USING s
  WHERE m.queue = $1 AND m.id = s.id AND m.lease_token = $2 AND s.kind = 'dead'
  RETURNING m.*, s.reason AS dead_reason, s.error AS dead_error
),
dead_letters AS (
  INSERT INTO {{schema}}.dead_letters
    (queue, id, type, payload, headers, created_at, run_at_ms, expires_at_ms, due_at, expires_at, attempt, max_attempts, partition_key, dedupe_key, explicit_id, reason, error)
  SELECT queue, id, type, payload, headers, created_at, run_at_ms, expires_at_ms, due_at, expires_at, attempt, max_attempts, partition_key, dedupe_key, explicit_id, dead_reason, dead_error
  FROM dead
  RETURNING id
),
released_keys AS (
  UPDATE {{schema}}.dedupe_keys d SET held_until = now() + $8 * interval '1 millisecond'
  FROM (SELECT id, dedupe_key FROM acked UNION ALL SELECT id, dedupe_key FROM dead) f
  WHERE f.dedupe_key IS NOT NULL AND d.queue = $1 AND d.dedupe_key = f.dedupe_key AND d.message_id = f.id
  RETURNING d.dedupe_key
)
SELECT id FROM acked
UNION ALL SELECT id FROM retried
UNION ALL SELECT id FROM released
UNION ALL SELECT id FROM dead
