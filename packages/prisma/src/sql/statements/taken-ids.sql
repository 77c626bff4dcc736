-- Which of the publisher-given ids $2 queue $1 already holds, waiting, in flight or dead-lettered.
--   $1 queue text, $2 ids text[]
SELECT id FROM {{schema}}.messages WHERE queue = $1 AND id = ANY($2::text[])
UNION
SELECT id FROM {{schema}}.dead_letters WHERE queue = $1 AND id = ANY($2::text[])
