-- mqkit Postgres schema, version 1. Applied by the provider under an advisory lock, in one
-- transaction, and recorded in {{schema}}.schema_version. Append-only: never edit a released
-- migration; add 002_….sql. `{{schema}}` is the provider's `schema` option (default mqkit).

CREATE SCHEMA IF NOT EXISTS {{schema}};

-- The version this schema is at; one row. The provider refuses a schema newer than it knows.
CREATE TABLE {{schema}}.schema_version (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version integer NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- Hot table: only messages that are waiting, leased or backing off. An acked message is deleted in
-- the settle statement; a dead-lettered one moves to dead_letters. So the claim path never scans
-- history, and the table stays small under churn.
CREATE TABLE {{schema}}.messages (
  queue          text        NOT NULL,
  id             text        NOT NULL,
  -- Publish order, the tiebreak for equal due times.
  seq            bigint      GENERATED ALWAYS AS IDENTITY,
  type           text        NOT NULL,
  payload        jsonb       NOT NULL,
  headers        jsonb       NOT NULL DEFAULT '{}'::jsonb,
  -- The publisher's clock (epoch ms): when it was published, when it is due (as published, or as
  -- its retry was decided), when it expires. Reported on the messages; never compared to now().
  created_at     bigint      NOT NULL,
  run_at_ms      bigint      NOT NULL,
  expires_at_ms  bigint,
  -- When it is due by this server's clock (publish time plus its delay, or its retry time): what
  -- the claim, ordering and scheduling compare. A claim does not change it.
  due_at         timestamptz NOT NULL,
  -- While leased: when the lease ends (server clock). A lease that ran out makes the row claimable
  -- again for the same claim statement (no reaper). Not indexed, like the other lease columns, so
  -- a claim and a renewal are HOT updates: no index is written.
  lease_until    timestamptz,
  expires_at     timestamptz,
  -- Deliveries so far.
  attempt        integer     NOT NULL DEFAULT 0,
  -- The publisher's maxAttempts; NULL: the consumer's retry policy decides.
  max_attempts   integer,
  partition_key  text,
  dedupe_key     text,
  explicit_id    boolean     NOT NULL DEFAULT false,
  last_error     jsonb,
  -- The live claim's fencing token and owner; NULL when not leased. Still set when a lease ran out
  -- unsettled: the next claim then knows the delivery was abandoned (poison-pill accounting).
  lease_token    text,
  lease_owner    text,
  PRIMARY KEY (queue, id)
);

-- The claim's ORDER BY, exactly: WHERE queue = $1 AND due_at <= now() ORDER BY due_at, seq (leased
-- rows are filtered out on the way: at most what the consumers hold).
CREATE INDEX messages_claim ON {{schema}}.messages (queue, due_at, seq);
-- Ordered consumers: a key's head in due order, and whether the key is held.
CREATE INDEX messages_key ON {{schema}}.messages (queue, partition_key, due_at, seq) WHERE partition_key IS NOT NULL;

-- Every row is updated (claimed) and deleted (acked) in its short life: vacuum it early and often,
-- and leave room on each page for the claim's new row version (a HOT update: no index entry).
ALTER TABLE {{schema}}.messages SET (
  fillfactor = 50,
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_vacuum_threshold = 1000,
  autovacuum_analyze_scale_factor = 0.02,
  autovacuum_vacuum_cost_delay = 0
);

-- Messages that will not be retried again, with why.
CREATE TABLE {{schema}}.dead_letters (
  queue             text        NOT NULL,
  id                text        NOT NULL,
  seq               bigint      GENERATED ALWAYS AS IDENTITY,
  type              text        NOT NULL,
  payload           jsonb       NOT NULL,
  headers           jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at        bigint      NOT NULL,
  run_at_ms         bigint      NOT NULL,
  expires_at_ms     bigint,
  due_at            timestamptz NOT NULL,
  expires_at        timestamptz,
  -- Deliveries it had.
  attempt           integer     NOT NULL,
  max_attempts      integer,
  partition_key     text,
  dedupe_key        text,
  explicit_id       boolean     NOT NULL DEFAULT false,
  reason            text        NOT NULL,
  error             jsonb       NOT NULL,
  dead_lettered_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (queue, id)
);

-- list() pages by (queue, seq); retention deletes by age.
CREATE INDEX dead_letters_page ON {{schema}}.dead_letters (queue, seq);
CREATE INDEX dead_letters_age ON {{schema}}.dead_letters (dead_lettered_at);

-- Dedupe keys: held (held_until NULL) while their message lives, then until held_until.
CREATE TABLE {{schema}}.dedupe_keys (
  queue       text        NOT NULL,
  dedupe_key  text        NOT NULL,
  message_id  text        NOT NULL,
  held_until  timestamptz,
  PRIMARY KEY (queue, dedupe_key)
);

CREATE INDEX dedupe_keys_expiry ON {{schema}}.dedupe_keys (held_until) WHERE held_until IS NOT NULL;
