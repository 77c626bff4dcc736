/*
 * A settlement as one unordered bulkWrite: one operation per message, each filtered by
 * `{ _id, token }` — fenced per document, atomically (the filter and the write are one step on
 * one document). A message the token no longer holds is simply not matched.
 *
 *   ack      deleteOne; or, when it holds a dedupe key and dedupeWindowMs > 0, an update into its
 *            tombstone (the key stays held for the window)
 *   retry    token cleared, due again after its delay by the server's clock, keeps its last error
 *            and its partition key (attempt > 0)
 *   release  token cleared, back at its place (visibleAt = min(dueAt, now)), attempt not counted
 *   dead     marked with its reason and error and kept out of sight for a lease; the move to the
 *            dead letters (dead-letter-move.ts) follows, and whoever holds it next finishes it
 *
 * Every update also stamps `settledBy: token`. The bulk reports counts only, so when the counts
 * fall short a read-back of the claim's documents tells which writes landed (reconcile).
 */
import type { AnyBulkWriteOperation, Document, ObjectId } from 'mongodb';
import type { SerializedError, Settlement } from '@mqkit/core';
import type { MessageDoc } from '../documents.js';
import { literal, nowPlus } from './expressions.js';

export type SettleKind = 'ack-delete' | 'ack-tombstone' | 'retry' | 'release' | 'dead';

export interface PlannedOp {
  readonly id: string;
  readonly _id: ObjectId;
  readonly kind: SettleKind;
  readonly op: AnyBulkWriteOperation<MessageDoc>;
}

export interface SettlePlan {
  readonly ops: readonly PlannedOp[];
  /** What a bulk that applied every operation reports. */
  readonly expected: { readonly deleted: number; readonly matched: number };
}

/** What the settle needs of each message of the claim: its document id and whether it holds a dedupe key. */
export interface HeldMessage {
  readonly _id: ObjectId;
  readonly holdsKey: boolean;
}

export interface SettleContext {
  readonly token: string;
  readonly dedupeWindowMs: number;
  /** How long a message being dead-lettered stays out of sight while it is moved. */
  readonly leaseMs: number;
}

export function planSettle(held: ReadonlyMap<string, HeldMessage>, settlement: Settlement, ctx: SettleContext): SettlePlan {
  const ops: PlannedOp[] = [];
  const add = (id: string, kind: SettleKind, build: (filter: { _id: ObjectId; token: string }) => AnyBulkWriteOperation<MessageDoc>): void => {
    const h = held.get(id);
    if (h === undefined) return; // not part of this claim any more (dropped at receive)
    ops.push({ id, _id: h._id, kind, op: build({ _id: h._id, token: ctx.token }) });
  };
  for (const m of settlement.ack) {
    if (held.get(m.id)?.holdsKey === true && ctx.dedupeWindowMs > 0) add(m.id, 'ack-tombstone', (filter) => ({ updateOne: { filter, update: tombstoneUpdate(ctx.dedupeWindowMs, ctx.token) } }));
    else add(m.id, 'ack-delete', (filter) => ({ deleteOne: { filter } }));
  }
  for (const r of settlement.retry) add(r.message.id, 'retry', (filter) => ({ updateOne: { filter, update: retryUpdate(r.delayMs, r.runAt, r.error, ctx.token) } }));
  for (const m of settlement.release) add(m.id, 'release', (filter) => ({ updateOne: { filter, update: releaseUpdate(ctx.token) } }));
  for (const d of settlement.deadLetter) add(d.message.id, 'dead', (filter) => ({ updateOne: { filter, update: markDeadUpdate(d.reason, d.error, ctx.leaseMs, ctx.token) } }));
  const deleted = ops.filter((o) => o.kind === 'ack-delete').length;
  return { ops, expected: { deleted, matched: ops.length - deleted } };
}

/** Due again `delayMs` from now (server clock); `runAt` is the publisher-side time reported on the next delivery. */
export function retryUpdate(delayMs: number, runAt: number, error: SerializedError, token: string): Document[] {
  return [{ $set: { token: null, owner: null, dueAt: nowPlus(delayMs), visibleAt: nowPlus(delayMs), runAt: literal(runAt), lastError: literal(error), settledBy: literal(token) } }];
}

/** Given back without counting the attempt, at its old place in the queue. */
export function releaseUpdate(token: string): Document[] {
  return [{ $set: { token: null, owner: null, attempt: { $max: [0, { $subtract: ['$attempt', 1] }] }, visibleAt: { $min: ['$dueAt', '$$NOW'] }, settledBy: literal(token) } }];
}

/** Marked for the move to the dead letters, out of sight for `leaseMs` while it moves (the holder's token stays). */
export function markDeadUpdate(reason: string, error: SerializedError, leaseMs: number, token: string): Document[] {
  return [{ $set: { dead: literal({ reason, error }), visibleAt: nowPlus(leaseMs), settledBy: literal(token) } }];
}

/** Fields a tombstone drops: it keeps only q, dk and its holder's id. */
const TOMBSTONE_DROPS = ['id', 'type', 'payload', 'headers', 'createdAt', 'runAt', 'expiresAtMs', 'dueAt', 'visibleAt', 'expiresAt', 'attempt', 'maxAttempts', 'key', 'dedupeKey', 'explicitId', 'lastError', 'token', 'owner', 'dead'];

/** A message into its dedupe tombstone: the key stays held for `windowMs` (server clock), naming the id it was held for. */
export function tombstoneUpdate(windowMs: number, token: string): Document[] {
  return [{ $set: { tomb: true, holder: '$id', heldUntil: nowPlus(windowMs), settledBy: literal(token) } }, { $unset: TOMBSTONE_DROPS }];
}

/** A document of the claim as the read-back after a short bulk saw it (absent: deleted). */
export interface SeenAfter {
  readonly settledBy?: string | undefined;
}

/**
 * Which planned operations did not land, from the bulk's counts and a read-back of the claim's
 * documents. An update landed if its document carries `settledBy: token`. A delete landed if its
 * document is gone — but "gone" is also what another consumer's ack of a re-claimed message looks
 * like; when the deletes the bulk counted fall short of the gone documents, which were ours cannot
 * be told, so all of them are reported lost (core then under-reports, never over-reports).
 */
export function reconcile(plan: SettlePlan, deletedCount: number, after: ReadonlyMap<string, SeenAfter>, token: string): string[] {
  const lost: string[] = [];
  const goneDeletes: string[] = [];
  for (const o of plan.ops) {
    const doc = after.get(o._id.toHexString());
    if (o.kind === 'ack-delete') {
      if (doc === undefined) goneDeletes.push(o.id);
      else lost.push(o.id);
    } else if (doc?.settledBy !== token) lost.push(o.id);
  }
  if (goneDeletes.length > deletedCount) lost.push(...goneDeletes);
  return lost;
}
