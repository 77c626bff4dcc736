/*
 * The claim, as documents for the driver. A claim is three steps, each with documented atomicity:
 *
 *   1. find the candidates: `find(candidateFilter).sort(CLAIM_SORT).limit(n)` on index mqkit_claim
 *      (the estimate of the server's clock picks them; nothing is decided by it);
 *   2. take them: `updateMany(claimBatchFilter, claimUpdate)` — each document's match and update
 *      is atomic, and the filter says "still claimable now, by the server's clock" ($$NOW), so two
 *      claimers can never both take one message: the second one's filter no longer matches;
 *   3. if fewer were taken than asked, read back which: `find({ _id: { $in }, token })`.
 *
 * The plan between 1 and 2 (planClaim) is pure: which candidates are expired, which are poison
 * pills, which must come alone (abandoned), which form the batch.
 */
import type { Document, Filter, ObjectId } from 'mongodb';
import type { MessageDoc } from '../documents.js';
import { literal, nowPlus, reached } from './expressions.js';

/** Claim order: when claimable, then publish order. Matches index mqkit_claim. */
export const CLAIM_SORT = { visibleAt: 1, _id: 1 } as const;

/** Claimable messages of `q` by the estimate of the server's clock (tombstones have no visibleAt: never matched). */
export function candidateFilter(q: string, estimatedNow: Date): Filter<MessageDoc> {
  return { q, visibleAt: { $lte: estimatedNow } };
}

/** How many candidates to look at: ordered consumers look further, past keys that are held. */
export function candidateWindow(max: number, ordered: boolean): number {
  return ordered ? Math.min(2_000, max * 4 + 16) : max;
}

/**
 * Each partition key's head among `keys`: the message in delivery (attempt > 0: in flight,
 * retrying, being dead-lettered) if there is one, else the first due (dueAt, then publish order).
 * An ordered consumer may claim a keyed message only if it is its key's head. Sorted as index
 * mqkit_key, so the server can answer each group from the index's first entry.
 */
export function keyHeadsPipeline(q: string, keys: readonly string[]): Document[] {
  return [
    { $match: { q, key: { $in: [...keys] } } },
    { $sort: { q: 1, key: 1, attempt: -1, dueAt: 1, _id: 1 } },
    { $group: { _id: '$key', head: { $first: '$_id' } } },
  ];
}

/** What a claim does with its candidates. */
export interface ClaimPlan {
  /** Past their expiresAt: deleted, with message.expired. */
  readonly expired: MessageDoc[];
  /** Abandoned (their last lease ran out unsettled) after maxAttempts deliveries: dead-lettered as poison pills. */
  readonly poison: MessageDoc[];
  /** A move to the dead letters that its mover did not finish (it died): finished now. */
  readonly unfinished: MessageDoc[];
  /** Abandoned: claimed alone, in a claim of its own. */
  readonly alone: MessageDoc | undefined;
  /** Claimed together (none abandoned). */
  readonly batch: MessageDoc[];
}

export interface ClaimPlanInput {
  readonly max: number;
  /** The consumer's maxAttempts, for messages published without their own. */
  readonly defaultMaxAttempts: number;
  readonly estimatedNow: number;
  /** Ordered consumers: each key's head (keyHeadsPipeline); a keyed candidate that is not its key's head is left alone. */
  readonly heads?: ReadonlyMap<string, ObjectId> | undefined;
}

/**
 * Sorts candidates (in claim order) into the plan. The rules are the SPI's: a message whose last
 * delivery was abandoned comes alone; one abandoned maxAttempts times is a poison pill; an
 * expired one is dropped. Every write that follows re-checks its condition atomically, so a
 * stale candidate costs a no-op, never a wrong write.
 */
export function planClaim(candidates: readonly MessageDoc[], input: ClaimPlanInput): ClaimPlan {
  const plan = { expired: [] as MessageDoc[], poison: [] as MessageDoc[], unfinished: [] as MessageDoc[], alone: undefined as MessageDoc | undefined, batch: [] as MessageDoc[] };
  let open = true; // still adding to the batch (stops at the first abandoned message)
  for (const doc of candidates) {
    if (doc.key !== undefined && input.heads !== undefined && !input.heads.get(doc.key)?.equals(doc._id)) continue;
    if (doc.dead !== undefined) plan.unfinished.push(doc);
    else if (doc.expiresAt !== null && doc.expiresAt.getTime() <= input.estimatedNow) plan.expired.push(doc);
    else if (doc.token !== null && doc.attempt >= (doc.maxAttempts ?? input.defaultMaxAttempts)) plan.poison.push(doc);
    else if (!open) continue;
    else if (doc.token !== null) {
      if (plan.batch.length === 0) plan.alone = doc;
      open = false;
    } else if (plan.batch.length < input.max) plan.batch.push(doc);
    else open = false;
  }
  return plan;
}

/** Still claimable, by the server's clock, and not abandoned: the batch's condition, per document. */
export function claimBatchFilter(q: string, ids: readonly ObjectId[]): Filter<MessageDoc> {
  return { _id: { $in: [...ids] }, q, token: null, $expr: reached('visibleAt') };
}

/** Still claimable and still as seen (same token, same attempt): an abandoned message's condition. */
export function claimSeenFilter(q: string, seen: Pick<MessageDoc, '_id' | 'token' | 'attempt'>): Filter<MessageDoc> {
  return { _id: seen._id, q, token: seen.token, attempt: seen.attempt, $expr: reached('visibleAt') };
}

/** Leased to `token`: attempt counted, visible again at the lease's end (server clock). */
export function claimUpdate(token: string, owner: string, leaseMs: number): Document[] {
  return [{ $set: { token: literal(token), owner: literal(owner), attempt: { $add: ['$attempt', 1] }, visibleAt: nowPlus(leaseMs) } }];
}

/** Fenced by `token`: the documents a claim holds, for a read-back or a renewal. */
export function heldFilter(ids: readonly ObjectId[], token: string): Filter<MessageDoc> {
  return { _id: { $in: [...ids] }, token };
}

/** A renewal: the lease ends `leaseMs` from now, by the server's clock. */
export function renewUpdate(leaseMs: number): Document[] {
  return [{ $set: { visibleAt: nowPlus(leaseMs) } }];
}

/** Still as seen and past its expiry by the server's clock: an expired message's delete condition. */
export function expiredFilter(q: string, seen: Pick<MessageDoc, '_id' | 'token' | 'attempt'>): Filter<MessageDoc> {
  return { _id: seen._id, q, token: seen.token, attempt: seen.attempt, $expr: { $and: [reached('visibleAt'), reached('expiresAt')] } };
}
