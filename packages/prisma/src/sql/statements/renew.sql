-- Extend a claim's lease to $4 ms from now (this server's clock), fenced by the token.
--   $1 queue text, $2 token text, $3 ids text[], $4 lease ms float8
-- Returns, for each row still held, its id, its new ctid (a renewal writes a new row version;
-- ack.sql finds rows by it) and its new lease end (epoch ms); none: the lease is lost.
UPDATE {{schema}}.messages m
SET lease_until = now() + $4 * interval '1 millisecond'
WHERE m.queue = $1 AND m.id = ANY($3::text[]) AND m.lease_token = $2
RETURNING m.id, m.ctid::text AS tid, (extract(epoch FROM m.lease_until) * 1000)::float8 AS lease_ms
