-- Claim up to $2 deliverable messages of queue $1 for one consumer, in one statement.
--   $1 queue text, $2 max int, $3 owner text, $4 token text, $5 lease ms float8,
--   $6 default maxAttempts int, $7 ordered bool, $8 dedupe window ms float8
-- Returns one row per message, `kind` saying what became of it:
--   'claimed': leased to this consumer (attempt counted, claimable again at the lease's end);
--   'expired': past its expires_at: deleted (the caller emits message.expired);
--   'poison':  abandoned (its last lease ran out unsettled) maxAttempts times: moved to
--              dead_letters with reason 'poison-pill' (the caller emits the events).
-- Rules (the SPI's): a message whose last delivery was abandoned comes alone, in a claim of its
-- own; with $7, a partition key is held by one claim at a time, in due order (due_at, seq), and a
-- message that was delivered and not finished (retrying) keeps its key. Leases are by this
-- server's clock. FOR UPDATE SKIP LOCKED: concurrent claimers never take the same row.
-- The rows are updated by the physical address (ctid) the locking scan returned, not looked up
-- again by primary key: 1,000 index probes were a third of the statement. A row another
-- transaction updated between this statement's snapshot and its lock is then skipped (its newer
-- version is invisible to the snapshot), so it stays claimable; nothing is lost. Claimed rows
-- return their new ctid (`tid`), with which ack.sql deletes them.
WITH candidates AS (
  SELECT m.ctid AS tid, m.id, m.seq, m.due_at,
         m.lease_token IS NOT NULL AS abandoned,
         m.attempt >= coalesce(m.max_attempts, $6) AS spent,
         (m.expires_at IS NOT NULL AND m.expires_at <= now()) AS expired
  FROM {{schema}}.messages m
  WHERE m.queue = $1
    AND m.due_at <= now()
    AND (m.lease_until IS NULL OR m.lease_until <= now())
    AND (NOT $7 OR m.partition_key IS NULL OR NOT EXISTS (
      SELECT 1 FROM {{schema}}.messages o
      WHERE o.queue = m.queue AND o.partition_key = m.partition_key AND o.id <> m.id
        AND (o.attempt > 0 OR (m.attempt = 0 AND (o.due_at, o.seq) < (m.due_at, m.seq)))))
  ORDER BY m.due_at, m.seq
  LIMIT $2
  FOR UPDATE OF m SKIP LOCKED
),
ranked AS (
  SELECT c.tid, c.id, c.abandoned, row_number() OVER (ORDER BY c.due_at, c.seq) AS rn
  FROM candidates c
  WHERE NOT c.expired AND NOT (c.abandoned AND c.spent)
),
first_abandoned AS (
  SELECT min(rn) AS rn FROM ranked WHERE abandoned
),
take AS (
  SELECT r.tid, r.rn
  FROM ranked r CROSS JOIN first_abandoned f
  WHERE f.rn IS NULL OR (f.rn = 1 AND r.rn = 1) OR (f.rn > 1 AND r.rn < f.rn)
),
expired AS (
  DELETE FROM {{schema}}.messages m USING candidates c
  WHERE m.queue = $1 AND m.id = c.id AND c.expired
  RETURNING m.*
),
poison AS (
  DELETE FROM {{schema}}.messages m USING candidates c
  WHERE m.queue = $1 AND m.id = c.id AND NOT c.expired AND c.abandoned AND c.spent
  RETURNING m.*
),
poison_letters AS (
  INSERT INTO {{schema}}.dead_letters
    (queue, id, type, payload, headers, created_at, run_at_ms, expires_at_ms, due_at, expires_at, attempt, max_attempts, partition_key, dedupe_key, explicit_id, reason, error)
  SELECT queue, id, type, payload, headers, created_at, run_at_ms, expires_at_ms, due_at, expires_at, attempt, max_attempts, partition_key, dedupe_key, explicit_id, 'poison-pill',
         coalesce(last_error, jsonb_build_object('name', 'LeaseExpired', 'message',
           'delivered ' || attempt || ' times and never settled: its consumers died or hung past the lease each time'))
  FROM poison
  RETURNING id
),
released_keys AS (
  UPDATE {{schema}}.dedupe_keys d SET held_until = now() + $8 * interval '1 millisecond'
  FROM (SELECT id, dedupe_key FROM expired UNION ALL SELECT id, dedupe_key FROM poison) f
  WHERE d.queue = $1 AND d.dedupe_key = f.dedupe_key AND d.message_id = f.id
  RETURNING d.dedupe_key
),
claimed AS (
  UPDATE {{schema}}.messages m
  SET attempt = m.attempt + 1, lease_token = $4, lease_owner = $3,
      lease_until = now() + $5 * interval '1 millisecond'
  FROM take t
  WHERE m.ctid = t.tid
  RETURNING m.*, m.ctid AS new_tid, t.rn
)
SELECT 'claimed' AS kind, id, type, payload, headers, created_at, run_at_ms, expires_at_ms, attempt, max_attempts, partition_key, dedupe_key, last_error,
       (extract(epoch FROM lease_until) * 1000)::float8 AS lease_ms, rn::int AS rn, new_tid::text AS tid
FROM claimed
UNION ALL
SELECT 'expired', id, type, payload, headers, created_at, run_at_ms, expires_at_ms, attempt, max_attempts, partition_key, dedupe_key, last_error, NULL, NULL, NULL
FROM expired
UNION ALL
SELECT 'poison', id, type, payload, headers, created_at, run_at_ms, expires_at_ms, attempt, max_attempts, partition_key, dedupe_key, last_error, NULL, NULL, NULL
FROM poison
