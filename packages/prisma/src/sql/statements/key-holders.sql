-- The ids holding dedupe keys $2 of queue $1 (for duplicates whose key a concurrent publish took).
--   $1 queue text, $2 keys text[]
SELECT dedupe_key, message_id FROM {{schema}}.dedupe_keys WHERE queue = $1 AND dedupe_key = ANY($2::text[])
