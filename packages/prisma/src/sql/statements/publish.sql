-- Publish a batch in one statement.
--   $1 queue text,
--   $2 the batch as one JSON array (one parameter, cheap for every client to pass), each element
--      { ord, id, payload, created_at } and, only where they differ from the default a missing
--      key stands for, { type ('default'), headers ({}), delay_ms (0), run_at_ms (created_at),
--      ttl_ms, expires_at_ms (no expiry), max_attempts, partition_key, dedupe_key (none),
--      explicit_id (false) }: keys cost json_to_recordset far more than values do.
--      delay_ms schedules due_at = now() + delay (this server's clock); ttl_ms likewise expires_at;
--      run_at_ms / expires_at_ms are the publisher's clock, reported on delivery,
--   $3 notify channel text, $4 notify bool (one NOTIFY per statement, when not debounced)
-- A dedupe key held by a live message (or inside its window) suppresses the message; the first
-- message of a key in the batch wins. Returns a row for each message not stored (a duplicate), in
-- order, with the id holding its key (NULL when a concurrent publish took the key: the caller looks
-- it up); a batch stored whole returns no rows.
WITH input AS (
  SELECT * FROM json_to_recordset($2::json) AS i(
    ord int, id text, type text, payload jsonb, headers jsonb, created_at int8, delay_ms float8, ttl_ms float8,
    max_attempts int4, partition_key text, dedupe_key text, explicit_id bool, run_at_ms int8, expires_at_ms int8)
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
    (queue, id, type, payload, headers, created_at, run_at_ms, expires_at_ms, due_at, expires_at, max_attempts, partition_key, dedupe_key, explicit_id)
  -- A JSON null payload arrives as SQL NULL from json_to_recordset: store it as the JSON value null.
  SELECT $1, i.id, coalesce(i.type, 'default'), coalesce(i.payload, 'null'::jsonb), coalesce(i.headers, '{}'::jsonb),
         i.created_at, coalesce(i.run_at_ms, i.created_at), i.expires_at_ms,
         CASE WHEN i.delay_ms IS NULL THEN now() ELSE now() + i.delay_ms * interval '1 millisecond' END,
         CASE WHEN i.ttl_ms IS NULL THEN NULL ELSE now() + i.ttl_ms * interval '1 millisecond' END,
         i.max_attempts, i.partition_key, i.dedupe_key, coalesce(i.explicit_id, false)
  FROM input i
  WHERE i.dedupe_key IS NULL OR EXISTS (SELECT 1 FROM keyed k WHERE k.dedupe_key = i.dedupe_key AND k.message_id = i.id)
  ORDER BY i.ord
  RETURNING id
),
notified AS MATERIALIZED (
  SELECT CASE WHEN $4 THEN pg_notify($3, $1) END AS n
)
SELECT i.ord, s.id IS NOT NULL AS stored, coalesce(k.message_id, d.message_id) AS holder
FROM input i
CROSS JOIN notified
LEFT JOIN stored s ON s.id = i.id
LEFT JOIN keyed k ON k.dedupe_key = i.dedupe_key
LEFT JOIN {{schema}}.dedupe_keys d ON d.queue = $1 AND d.dedupe_key = i.dedupe_key
WHERE s.id IS NULL
ORDER BY i.ord
