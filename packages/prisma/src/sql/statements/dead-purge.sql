-- Delete dead letters of queue $1 for good: $2 ids (NULL: all), at most $3 (NULL: no limit), oldest first.
--   $1 queue text, $2 ids text[], $3 limit int
WITH picked AS (
  SELECT id FROM {{schema}}.dead_letters
  WHERE queue = $1 AND ($2::text[] IS NULL OR id = ANY($2::text[]))
  ORDER BY seq
  LIMIT $3
)
DELETE FROM {{schema}}.dead_letters d USING picked p
WHERE d.queue = $1 AND d.id = p.id
RETURNING d.id
