import type { DeadLetter, DeadLetterReason, Headers, Message, SerializedError } from '@mqkit/core';

/** A row of claim.sql's answer. */
export interface ClaimRow {
  readonly kind: 'claimed' | 'expired' | 'poison';
  readonly id: string;
  readonly type: string;
  readonly payload: unknown;
  readonly headers: Headers | null;
  readonly created_at: bigint | number;
  readonly attempt: number;
  readonly max_attempts: number | null;
  readonly partition_key: string | null;
  readonly dedupe_key: string | null;
  readonly last_error: SerializedError | null;
  readonly run_at_ms: bigint | number;
  readonly expires_at_ms: bigint | number | null;
  readonly lease_ms: number | null;
  readonly rn: number | null;
  /** Where the claimed row now is (its ctid, as text); NULL for expired and poison rows. */
  readonly tid: string | null;
}

/** A row of dead-list.sql's answer. */
export interface DeadLetterRow {
  readonly seq: bigint | number;
  readonly id: string;
  readonly type: string;
  readonly payload: unknown;
  readonly headers: Headers | null;
  readonly created_at: bigint | number;
  readonly attempt: number;
  readonly max_attempts: number | null;
  readonly partition_key: string | null;
  readonly dedupe_key: string | null;
  readonly reason: string;
  readonly error: SerializedError;
  readonly run_at_ms: bigint | number;
  readonly expires_at_ms: bigint | number | null;
  readonly dead_ms: number;
}

const EMPTY: Headers = Object.freeze({});

/**
 * A stored row as a delivered {@link Message}: a new object each time. Times are epoch ms by the
 * publisher's clock (as published or as the retry was decided); the database schedules by its own.
 * `maxAttempts` is the message's own, else the consumer's.
 */
export function toMessage(queue: string, row: ClaimRow | DeadLetterRow, defaultMaxAttempts: number): Message {
  return {
    id: row.id,
    queue,
    type: row.type,
    payload: row.payload,
    createdAt: Number(row.created_at),
    runAt: Number(row.run_at_ms),
    expiresAt: row.expires_at_ms === null ? undefined : Number(row.expires_at_ms),
    attempt: row.attempt,
    maxAttempts: row.max_attempts ?? defaultMaxAttempts,
    partitionKey: row.partition_key ?? undefined,
    dedupeKey: row.dedupe_key ?? undefined,
    headers: row.headers ?? EMPTY,
  };
}

const REASONS: ReadonlySet<string> = new Set<DeadLetterReason>(['permanent', 'max-attempts', 'explicit', 'poison-pill', 'undecodable']);

export function toDeadLetter(queue: string, row: DeadLetterRow): DeadLetter {
  return {
    message: toMessage(queue, row, row.max_attempts ?? row.attempt),
    reason: (REASONS.has(row.reason) ? row.reason : 'explicit') as DeadLetterReason,
    error: row.error,
    deadLetteredAt: Math.round(row.dead_ms),
  };
}
