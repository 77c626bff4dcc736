-- Counts of queue $1. Exact, from index scans whose cost grows with the queue's depth.
--   $1 queue text
SELECT
  count(*) FILTER (WHERE visible_at <= now())::int8 AS ready,
  count(*) FILTER (WHERE visible_at > now() AND lease_token IS NULL)::int8 AS delayed,
  count(*) FILTER (WHERE visible_at > now() AND lease_token IS NOT NULL)::int8 AS in_flight,
  (extract(epoch FROM (now() - min(due_at) FILTER (WHERE visible_at <= now()))) * 1000)::float8 AS lag_ms,
  (SELECT count(*) FROM {{schema}}.dead_letters WHERE queue = $1)::int8 AS dead_lettered
FROM {{schema}}.messages
WHERE queue = $1
