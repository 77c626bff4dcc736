-- Housekeeping, run now and then by the provider (one statement): forget dedupe keys whose window
-- ended, and delete dead letters older than the retention.
--   $1 dead-letter retention ms float8 (NULL: keep them forever), $2 most rows per table int
WITH old_keys AS (
  DELETE FROM {{schema}}.dedupe_keys d
  WHERE (d.queue, d.dedupe_key) IN (
    SELECT queue, dedupe_key FROM {{schema}}.dedupe_keys
    WHERE held_until IS NOT NULL AND held_until <= now()
    LIMIT $2)
  RETURNING 1
),
old_letters AS (
  DELETE FROM {{schema}}.dead_letters d
  WHERE $1::float8 IS NOT NULL AND (d.queue, d.id) IN (
    SELECT queue, id FROM {{schema}}.dead_letters
    WHERE dead_lettered_at <= now() - $1::float8 * interval '1 millisecond'
    LIMIT $2)
  RETURNING 1
)
SELECT (SELECT count(*) FROM old_keys)::int AS keys, (SELECT count(*) FROM old_letters)::int AS letters
