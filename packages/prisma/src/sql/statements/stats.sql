-- Counts of queue $1. Exact, from one scan of its rows whose cost grows with the queue's depth.
--   $1 queue text
SELECT
  count(*) FILTER (WHERE due_at <= now() AND (lease_until IS NULL OR lease_until <= now()))::int8 AS ready,
  count(*) FILTER (WHERE due_at > now() AND (lease_until IS NULL OR lease_until <= now()))::int8 AS delayed,
  count(*) FILTER (WHERE lease_until > now())::int8 AS in_flight,
  (extract(epoch FROM (now() - min(due_at) FILTER (WHERE due_at <= now() AND (lease_until IS NULL OR lease_until <= now())))) * 1000)::float8 AS lag_ms,
  (SELECT count(*) FROM {{schema}}.dead_letters WHERE queue = $1)::int8 AS dead_lettered
FROM {{schema}}.messages
WHERE queue = $1
