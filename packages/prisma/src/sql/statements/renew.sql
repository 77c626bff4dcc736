-- Extend a claim's lease to $4 ms from now (this server's clock), fenced by the token.
--   $1 queue text, $2 token text, $3 ids text[], $4 lease ms float8
-- Returns the new lease end (epoch ms) of each row still held; none: the lease is lost.
UPDATE {{schema}}.messages m
SET lease_until = now() + $4 * interval '1 millisecond'
WHERE m.queue = $1 AND m.id = ANY($3::text[]) AND m.lease_token = $2
RETURNING (extract(epoch FROM m.lease_until) * 1000)::float8 AS lease_ms
