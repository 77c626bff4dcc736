-- Publish a batch in one statement.
--   $1 queue text, then one array per column, index-aligned with the batch:
--   $2 ids text[], $3 types text[], $4 payloads jsonb[], $5 headers jsonb[], $6 created_at int8[],
--   $7 delay ms float8[] (due_at = now() + delay: scheduled by this server's clock),
--   $8 ttl ms float8[] (NULL: no expiry), $9 max_attempts int4[], $10 partition keys text[],
--   $11 dedupe keys text[], $12 explicit ids bool[],
--   $13 notify channel text, $14 notify bool (one NOTIFY per statement, when not debounced),
--   $15 run_at int8[], $16 expires_at int8[] (the publisher's clock, epoch ms, as reported on delivery)
-- A dedupe key held by a live message (or inside its window) suppresses the message; the first
-- message of a key in the batch wins. Returns one row per input, in order: stored or not, and the
-- id holding its key (NULL when a concurrent publish took the key: the caller looks it up).
WITH input AS (
  SELECT * FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::jsonb[], $6::int8[], $7::float8[], $8::float8[], $9::int4[], $10::text[], $11::text[], $12::bool[], $15::int8[], $16::int8[])
    WITH ORDINALITY AS i(id, type, payload, headers, created_at, delay_ms, ttl_ms, max_attempts, partition_key, dedupe_key, explicit_id, run_at_ms, expires_at_ms, ord)
),
first_per_key AS (
  SELECT DISTINCT ON (dedupe_key) dedupe_key, id FROM input WHERE dedupe_key IS NOT NULL ORDER BY dedupe_key, ord
),
keyed AS (
  INSERT INTO {{schema}}.dedupe_keys AS d (queue, dedupe_key, message_id)
  SELECT $1, dedupe_key, id FROM first_per_key
  ON CONFLICT (queue, dedupe_key) DO UPDATE SET message_id = EXCLUDED.message_id, held_until = NULL
    WHERE d.held_until IS NOT NULL AND d.held_until <= now()
  RETURNING d.dedupe_key, d.message_id
),
stored AS (
  INSERT INTO {{schema}}.messages
    (queue, id, type, payload, headers, created_at, run_at_ms, expires_at_ms, due_at, visible_at, expires_at, max_attempts, partition_key, dedupe_key, explicit_id)
  SELECT $1, i.id, i.type, i.payload, i.headers, i.created_at, i.run_at_ms, i.expires_at_ms,
         now() + i.delay_ms * interval '1 millisecond', now() + i.delay_ms * interval '1 millisecond',
         CASE WHEN i.ttl_ms IS NULL THEN NULL ELSE now() + i.ttl_ms * interval '1 millisecond' END,
         i.max_attempts, i.partition_key, i.dedupe_key, i.explicit_id
  FROM input i
  WHERE i.dedupe_key IS NULL OR EXISTS (SELECT 1 FROM keyed k WHERE k.dedupe_key = i.dedupe_key AND k.message_id = i.id)
  ORDER BY i.ord
  RETURNING id
),
notified AS MATERIALIZED (
  SELECT CASE WHEN $14 THEN pg_notify($13, $1) END AS n
)
SELECT i.ord::int AS ord, s.id IS NOT NULL AS stored, coalesce(k.message_id, d.message_id) AS holder
FROM input i
CROSS JOIN notified
LEFT JOIN stored s ON s.id = i.id
LEFT JOIN keyed k ON k.dedupe_key = i.dedupe_key
LEFT JOIN {{schema}}.dedupe_keys d ON d.queue = $1 AND d.dedupe_key = i.dedupe_key
ORDER BY i.ord
