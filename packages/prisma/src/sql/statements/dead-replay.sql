-- Put dead letters of queue $1 back as new messages: same id, payload and own maxAttempts,
-- attempt 0, due now (run_at $5, the caller's clock), no expiry; their dedupe keys are held again (unless a newer message holds them).
-- Oldest first; $2 ids (NULL: all), at most $3 (NULL: no limit). One NOTIFY when any moved.
--   $1 queue text, $2 ids text[], $3 limit int, $4 notify channel text, $5 now (the caller's clock, epoch ms) int8
WITH picked AS (
  SELECT id FROM {{schema}}.dead_letters
  WHERE queue = $1 AND ($2::text[] IS NULL OR id = ANY($2::text[]))
  ORDER BY seq
  LIMIT $3
  FOR UPDATE SKIP LOCKED
),
moved AS (
  DELETE FROM {{schema}}.dead_letters d USING picked p
  WHERE d.queue = $1 AND d.id = p.id
  RETURNING d.*
),
back AS (
  INSERT INTO {{schema}}.messages
    (queue, id, type, payload, headers, created_at, run_at_ms, expires_at_ms, due_at, expires_at, max_attempts, partition_key, dedupe_key, explicit_id)
  SELECT queue, id, type, payload, headers, created_at, $5, NULL, now(), NULL, max_attempts, partition_key, dedupe_key, explicit_id
  FROM moved
  ORDER BY seq
  RETURNING id, dedupe_key
),
keys AS (
  INSERT INTO {{schema}}.dedupe_keys AS d (queue, dedupe_key, message_id)
  SELECT $1, dedupe_key, id FROM back WHERE dedupe_key IS NOT NULL
  ON CONFLICT (queue, dedupe_key) DO UPDATE SET message_id = EXCLUDED.message_id, held_until = NULL
    WHERE d.message_id = EXCLUDED.message_id OR (d.held_until IS NOT NULL AND d.held_until <= now())
  RETURNING d.dedupe_key
),
notified AS MATERIALIZED (
  SELECT CASE WHEN EXISTS (SELECT 1 FROM back) THEN pg_notify($4, $1) END AS n
)
SELECT count(*)::int AS replayed FROM back CROSS JOIN notified
