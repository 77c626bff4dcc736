import { randomUUID } from 'node:crypto';
import { LeaseLostError, linkSignals, serializeError, type Claim, type QueueWake, type DeadLetter, type Message, type Receiver, type ReceiverOptions, type SerializedError, type SettleResult, type Settlement } from '@mqkit/core';
import type { ObjectId } from 'mongodb';
import { CLAIM_SORT, candidateFilter, candidateWindow, claimBatchFilter, claimSeenFilter, claimUpdate, expiredFilter, heldFilter, keyHeadsPipeline, planClaim, renewUpdate, type ClaimPlan } from './commands/claim.js';
import { takeOverUpdate } from './commands/dead-letter-move.js';
import { storedError } from './commands/publish.js';
import { markDeadUpdate, planSettle, reconcile, tombstoneUpdate, type HeldMessage, type SettlePlan } from './commands/settle.js';
import { toEventMessage, toMessage } from './decode.js';
import type { MessageDoc } from './documents.js';
import type { DeadLetterMover, MoverHost } from './dead-letter-mover.js';

/** What a receiver needs from its provider. */
export interface ReceiverHost extends MoverHost {
  readonly mover: DeadLetterMover;
  readonly pollIntervalMs: number;
  readonly minPollIntervalMs: number;
  /** True when no change stream wakes idle receivers: they poll with back-off. */
  readonly polling: boolean;
  /** Throws once the provider is closed or crashed. */
  assertUsable(): void;
  readonly usable: boolean;
  expired(queue: string, message: Message, at: number): void;
  poisonPill(queue: string, letter: DeadLetter, at: number): void;
  undecodable(queue: string, letter: DeadLetter, at: number): void;
}

/** A claim as this provider hands it out: the token fences each of its documents. */
interface MongoClaim extends Claim {
  readonly held: ReadonlyMap<string, HeldMessage>;
}

type Attempt = Claim | 'again' | 'none';

/**
 * One consumer's window on a queue. `receive` claims in two or three round trips
 * (commands/claim.ts); when nothing is claimable it waits for an insert (change stream or this
 * process), the next message's visibility time, or the backstop, then claims again. `settle` is
 * one unordered bulkWrite fenced per document; `renew` one updateMany.
 */
export class MongoReceiver implements Receiver {
  #closed = false;
  readonly #closing = new AbortController();

  constructor(
    private readonly queue: string,
    private readonly options: ReceiverOptions,
    private readonly host: ReceiverHost,
    private readonly wake: QueueWake,
  ) {}

  async receive(max: number, signal: AbortSignal): Promise<Claim | null> {
    let idle = 0;
    for (let first = true; ; first = false) {
      if (this.#closed || !this.host.usable) return null;
      // An aborted signal still takes what is ready — once; after a wait it means "stop asking".
      if (!first && signal.aborted) return null;
      const attempt = await this.#claimOnce(max);
      if (attempt === 'again') continue; // expired, poison or lost races handled: there may be more behind them
      if (attempt !== 'none') return attempt;
      if (signal.aborted || this.#closed) return null;
      const nextIn = await this.#nextVisibleIn();
      const backstop = this.host.polling ? Math.min(this.host.pollIntervalMs, this.host.minPollIntervalMs * 2 ** Math.min(idle++, 20)) : this.host.pollIntervalMs;
      const waitMs = Math.max(1, Math.min(backstop, nextIn === null ? Infinity : Math.ceil(nextIn) + 1));
      const link = linkSignals([signal, this.#closing.signal]);
      try {
        await this.wake.wait(waitMs, link.signal);
      } finally {
        link.dispose();
      }
    }
  }

  async #claimOnce(max: number): Promise<Attempt> {
    const { host, queue } = this;
    const { ordered, maxAttempts } = this.options;
    const estimatedNow = host.serverNow();
    const candidates = await host.run('claiming messages', () =>
      host.messages.find(candidateFilter(queue, new Date(estimatedNow)), { sort: CLAIM_SORT, limit: candidateWindow(max, ordered), hint: 'mqkit_claim' }).toArray(),
    );
    if (candidates.length === 0) return 'none';
    const heads = ordered ? await this.#keyHeads(candidates) : undefined;
    const plan = planClaim(candidates, { max, defaultMaxAttempts: maxAttempts, estimatedNow, heads });
    const handled = await this.#setAside(plan);
    const claim = plan.alone !== undefined ? await this.#take([plan.alone], true) : plan.batch.length > 0 ? await this.#take(plan.batch, false) : undefined;
    if (claim !== undefined && claim !== 'again') return claim;
    return handled > 0 || claim === 'again' ? 'again' : 'none';
  }

  /** Each candidate key's head (commands/claim.ts keyHeadsPipeline). */
  async #keyHeads(candidates: readonly MessageDoc[]): Promise<Map<string, ObjectId>> {
    const keys = [...new Set(candidates.flatMap((c) => (c.key === undefined ? [] : [c.key])))];
    if (keys.length === 0) return new Map();
    const rows = await this.host.run('finding partition key heads', () => this.host.messages.aggregate<{ _id: string; head: ObjectId }>(keyHeadsPipeline(this.queue, keys), { hint: 'mqkit_key' }).toArray());
    return new Map(rows.map((r) => [r._id, r.head]));
  }

  /** Leases `docs` (one abandoned message alone, or a batch of fresh ones) to a new token. */
  async #take(docs: readonly MessageDoc[], alone: boolean): Promise<Claim | 'again' | undefined> {
    const { host, queue } = this;
    const { consumerId, leaseMs } = this.options;
    const token = randomUUID();
    const update = claimUpdate(token, consumerId, leaseMs);
    const result = await host.run('claiming messages', () =>
      alone ? host.messages.updateOne(claimSeenFilter(queue, docs[0]!), update) : host.messages.updateMany(claimBatchFilter(queue, docs.map((d) => d._id)), update),
    );
    if (result.matchedCount === 0) return undefined;
    let held: MessageDoc[];
    if (result.matchedCount === docs.length) {
      held = docs.map((d) => ({ ...d, token, owner: consumerId, attempt: d.attempt + 1 }));
    } else {
      // Another consumer took some between the find and the update: read back which are ours, in claim order.
      const ours = await host.run('reading a claim back', () => host.messages.find(heldFilter(docs.map((d) => d._id), token), { sort: CLAIM_SORT }).toArray());
      held = ours;
    }
    return (await this.#toClaim(held, token)) ?? 'again';
  }

  /** The claim of `docs` (held by `token`); an undecodable message is dead-lettered instead. Undefined when none is left. */
  async #toClaim(docs: readonly MessageDoc[], token: string): Promise<Claim | undefined> {
    const messages: Message[] = [];
    const held = new Map<string, HeldMessage>();
    const undecodable: Array<{ doc: MessageDoc; error: SerializedError }> = [];
    for (const doc of docs) {
      try {
        messages.push(toMessage(doc, this.options.maxAttempts));
        held.set(doc.id, { _id: doc._id, holdsKey: doc.dk !== undefined });
      } catch (error) {
        undecodable.push({ doc, error: storedError(serializeError(error)) });
      }
    }
    if (undecodable.length > 0) await this.#deadLetterUndecodable(undecodable, token);
    if (messages.length === 0) return undefined;
    const claim: MongoClaim = { id: `${this.queue}:${token}`, token, messages, held, leaseExpiresAt: Math.round(this.host.serverNow() + this.options.leaseMs) };
    return claim;
  }

  async #deadLetterUndecodable(items: ReadonlyArray<{ doc: MessageDoc; error: SerializedError }>, token: string): Promise<void> {
    const { host } = this;
    await host.run('dead-lettering undecodable messages', () =>
      host.messages.bulkWrite(items.map(({ doc, error }) => ({ updateOne: { filter: { _id: doc._id, token }, update: markDeadUpdate('undecodable', error, this.options.leaseMs, token) } })), { ordered: false }),
    );
    const moved = await host.mover.finish(items.map((i) => i.doc._id), token);
    const at = Date.now();
    for (const doc of moved) host.undecodable(this.queue, letterOf(doc, this.options.maxAttempts, at), at);
  }

  /** Expired messages dropped, poison pills and unfinished moves dead-lettered. Returns how many were handled. */
  async #setAside(plan: ClaimPlan): Promise<number> {
    const done = await Promise.all([...plan.expired.map((d) => this.#expire(d)), ...plan.poison.map((d) => this.#moveSeen(d, true)), ...plan.unfinished.map((d) => this.#moveSeen(d, false))]);
    return done.filter(Boolean).length;
  }

  async #expire(seen: MessageDoc): Promise<boolean> {
    const { host, queue } = this;
    const filter = expiredFilter(queue, seen);
    const doc = await host.run('dropping an expired message', () =>
      seen.dk !== undefined && host.dedupeWindowMs > 0
        ? host.messages.findOneAndUpdate(filter, tombstoneUpdate(host.dedupeWindowMs, 'expired'), { returnDocument: 'before' })
        : host.messages.findOneAndDelete(filter),
    );
    if (doc === null) return false;
    host.expired(queue, toEventMessage(doc, this.options.maxAttempts), Date.now());
    return true;
  }

  /** Takes a seen message over with a token of its own and moves it to the dead letters: a poison pill (marked now) or a move its mover did not finish. */
  async #moveSeen(seen: MessageDoc, poison: boolean): Promise<boolean> {
    const { host, queue } = this;
    const { consumerId, leaseMs, maxAttempts } = this.options;
    const token = randomUUID();
    const mark = poison ? { reason: 'poison-pill', error: storedError(seen.lastError ?? leaseExpired(seen.attempt)) } : undefined;
    const taken = await host.run('taking a message to dead-letter', () => host.messages.updateOne(claimSeenFilter(queue, seen), takeOverUpdate(token, consumerId, leaseMs, mark)));
    if (taken.matchedCount === 0) return false;
    const moved = await host.mover.finish([seen._id], token);
    const at = Date.now();
    if (poison) for (const doc of moved) host.poisonPill(queue, letterOf(doc, maxAttempts, at), at);
    return moved.length > 0;
  }

  /** Milliseconds until the next message of the queue becomes claimable (server clock estimate), or null when none waits. */
  async #nextVisibleIn(): Promise<number | null> {
    const { host, queue } = this;
    const next = await host.run('looking for the next message', () =>
      host.messages.findOne({ q: queue, visibleAt: { $gte: new Date(0) } }, { sort: CLAIM_SORT, projection: { visibleAt: 1 }, hint: 'mqkit_claim' }),
    );
    return next === null ? null : Math.max(0, next.visibleAt.getTime() - host.serverNow());
  }

  async settle(claim: Claim, settlement: Settlement): Promise<SettleResult | void> {
    this.host.assertUsable();
    const { host } = this;
    const { held, token } = claim as MongoClaim;
    const ctx = { token, dedupeWindowMs: host.dedupeWindowMs, leaseMs: this.options.leaseMs };
    const plan = planSettle(held, settlement, ctx);
    if (plan.ops.length === 0) return;
    let deleted: number;
    let matched: number;
    if (plan.ops.every((o) => o.kind === 'ack-delete')) {
      // The hot path: every message acked, none keeping a dedupe key: one deleteMany.
      const result = await host.run('acking a batch', () => host.messages.deleteMany(heldFilter(plan.ops.map((o) => o._id), token)));
      deleted = result.deletedCount;
      matched = 0;
    } else {
      const result = await host.run('settling a batch', () => host.messages.bulkWrite(plan.ops.map((o) => o.op), { ordered: false }));
      deleted = result.deletedCount;
      matched = result.matchedCount;
    }
    const lost = deleted === plan.expected.deleted && matched === plan.expected.matched ? [] : await this.#lost(plan, deleted, token);
    const dead = plan.ops.filter((o) => o.kind === 'dead' && !lost.includes(o.id)).map((o) => o._id);
    if (dead.length > 0) await host.mover.finish(dead, token);
    if (lost.length === 0) return;
    if (lost.length === plan.ops.length) throw new LeaseLostError(undefined, { source: 'mongodb' });
    return { lost };
  }

  /** Which writes of a settle did not land (commands/settle.ts reconcile), from a read-back of the claim's documents. */
  async #lost(plan: SettlePlan, deleted: number, token: string): Promise<string[]> {
    const { host } = this;
    const after = await host.run('reading a settlement back', () => host.messages.find({ _id: { $in: plan.ops.map((o) => o._id) } }, { projection: { settledBy: 1 } }).toArray());
    return reconcile(plan, deleted, new Map(after.map((d) => [d._id.toHexString(), d])), token);
  }

  async renew(claim: Claim, leaseMs: number): Promise<number> {
    this.host.assertUsable();
    const { host } = this;
    const { held, token } = claim as MongoClaim;
    const ids = [...held.values()].map((h) => h._id);
    const result = await host.run('renewing a lease', () => host.messages.updateMany(heldFilter(ids, token), renewUpdate(leaseMs)));
    if (result.matchedCount === 0) throw new LeaseLostError(undefined, { source: 'mongodb' });
    return Math.round(host.serverNow() + leaseMs);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#closing.abort();
  }
}

function leaseExpired(attempt: number): SerializedError {
  return { name: 'LeaseExpired', message: `delivered ${attempt} times and never settled: its consumers died or hung past the lease each time` };
}

function letterOf(doc: MessageDoc, defaultMaxAttempts: number, at: number): DeadLetter {
  const dead = doc.dead ?? { reason: 'explicit', error: { name: 'Error', message: 'dead-lettered' } };
  return { message: toEventMessage(doc, defaultMaxAttempts), reason: dead.reason as DeadLetter['reason'], error: dead.error, deadLetteredAt: at };
}
