-- One page of queue $1's dead letters, oldest first, after cursor $2 (a seq), at most $3 (+1 to
-- know whether there is a next page).
--   $1 queue text, $2 after seq int8, $3 limit int
SELECT seq, id, type, payload, headers, created_at, run_at_ms, expires_at_ms, attempt, max_attempts, partition_key, dedupe_key, reason, error,
       (extract(epoch FROM dead_lettered_at) * 1000)::float8 AS dead_ms
FROM {{schema}}.dead_letters
WHERE queue = $1 AND seq > $2
ORDER BY seq
LIMIT $3 + 1
