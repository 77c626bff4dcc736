import {
  DuplicateIdError,
  LeaseLostError,
  type DeadLetter,
  type DeadLetterSelector,
  type DuplicateRef,
  type Message,
  type NewMessage,
  type PublishResult,
  type QueueStats,
  type Settlement,
} from '@mqkit/core';
import { DeadLetterList } from './dead-letter-list.js';
import { DedupeIndex } from './dedupe-index.js';
import { Deque } from './deque.js';
import { KeyOrder } from './key-order.js';
import { LinkedList } from './linked-list.js';
import { MemoryClaim } from './memory-claim.js';
import { MinHeap } from './min-heap.js';
import { byRunAt, deliver, MessageRecord } from './record.js';
import type { TakeContext } from './take-context.js';

/** What the store tells whoever serves it (see `MemoryQueue`): it never waits or sets timers itself. */
export interface StoreSignals {
  /** Messages were published: serve waiting receivers after the publish call returns. */
  published(): void;
  /** Messages became deliverable now (settled back, replayed, due, expired leases): serve waiting receivers. */
  ready(): void;
  /** The earliest `runAt` of the delayed messages may have moved earlier. */
  delayed(): void;
  /** A claim was leased until `at` (epoch ms). */
  leased(at: number): void;
  /** Waiting messages left the store (taken, expired, dead-lettered at receive): publishers may fit now. */
  roomFreed(): void;
}

const NO_DUPLICATES: readonly DuplicateRef[] = Object.freeze([]);

/**
 * One queue's storage and the rules of delivery, all synchronous: the ready FIFO, the delayed heap,
 * per-key ordering, live claims and their fencing, dead letters, dedupe keys and publisher-given
 * ids. What waits on it (receivers, publishers) and its timers live in `MemoryQueue`; the store
 * tells it what changed through {@link StoreSignals}. This is the reference for a provider's
 * delivery rules: poison pills and expiry at take, abandoned messages delivered alone, fencing by
 * claim identity, release without counting the attempt.
 */
export class QueueStore {
  readonly #ready = new Deque<MessageRecord>();
  readonly #delayed = new MinHeap<MessageRecord>(byRunAt);
  readonly #keys = new KeyOrder();
  /** Live claims, oldest first (a list, not a Map: see {@link LinkedList}). */
  readonly #claims = new LinkedList<MemoryClaim>();
  readonly #dead = new DeadLetterList();
  readonly #dedupe: DedupeIndex;
  /** Publisher-given ids the queue holds (waiting, in flight or dead-lettered): a second is refused. */
  readonly #explicitIds = new Set<string>();
  #ordered = false;
  #inFlight = 0;
  #seq = 0;
  #claimSeq = 0;

  constructor(
    readonly name: string,
    private readonly now: () => number,
    dedupeWindowMs: () => number,
    private readonly signals: StoreSignals,
  ) {
    this.#dedupe = new DedupeIndex(dedupeWindowMs);
  }

  /** Messages waiting (ready, parked behind their key, or delayed): what capacity bounds. */
  get size(): number {
    return this.#ready.length + this.#keys.parkedCount + this.#delayed.length;
  }

  get hasReady(): boolean {
    return this.#ready.length > 0;
  }

  /** The earliest `runAt` among delayed messages, or `undefined`. */
  get nextDueAt(): number | undefined {
    return this.#delayed.peek()?.runAt;
  }

  /** Live claims' lease ends, for restarting the lease sweep. */
  leaseEnds(): number[] {
    return this.#claims.values().map((claim) => claim.leaseExpiresAt);
  }

  /** Once any consumer asks for ordering, this queue keeps one message in flight per partition key. */
  enableOrdering(): void {
    this.#ordered = true;
  }

  /** Stores messages; `encoded[i]` is message i's payload as JSON (serialization 'json'). */
  insert(messages: readonly NewMessage[], encoded?: readonly string[]): PublishResult {
    const now = this.now();
    this.#refuseTakenIds(messages, now);
    const ids = new Array<string>(messages.length);
    let duplicates: DuplicateRef[] | undefined;
    let delayed = false;
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      const key = message.dedupeKey;
      if (key !== undefined) {
        const holder = this.#dedupe.holder(key, now);
        if (holder !== undefined) {
          ids[i] = holder;
          (duplicates ??= []).push({ index: i, id: holder, dedupeKey: key });
          continue;
        }
        this.#dedupe.hold(key, message.id);
      }
      if (message.explicitId) this.#explicitIds.add(message.id);
      ids[i] = message.id;
      const record = new MessageRecord(message, ++this.#seq, encoded?.[i]);
      if (record.runAt <= now) this.#ready.push(record);
      else {
        this.#delayed.push(record);
        delayed = true;
      }
    }
    if (delayed) this.signals.delayed();
    this.signals.published();
    return { ids, duplicates: duplicates ?? NO_DUPLICATES };
  }

  /** A batch giving an id the queue holds is refused whole (a message its dedupe key suppresses is not stored, so it does not count). */
  #refuseTakenIds(messages: readonly NewMessage[], now: number): void {
    if (this.#explicitIds.size === 0) return;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      if (!m.explicitId || !this.#explicitIds.has(m.id)) continue;
      if (m.dedupeKey !== undefined && this.#dedupe.holder(m.dedupeKey, now) !== undefined) continue;
      throw new DuplicateIdError(this.name, m.id, `messages[${i}].id`, { source: 'memory' });
    }
  }

  /**
   * Lease up to `max` deliverable messages, or `null` when none are. On the way, expired messages
   * are dropped and poison pills dead-lettered; a message whose last delivery was abandoned goes
   * out alone (a claim of its own), so if it kills its consumer again it dies alone.
   */
  take(max: number, context: TakeContext): MemoryClaim | null {
    const now = this.now();
    // Sized for what is there: a growing array starts with room for 16, mostly empty for small claims.
    const size = Math.min(max, this.#ready.length);
    const records = new Array<MessageRecord>(size);
    const messages = new Array<Message>(size);
    let taken = 0;
    let dropped = false;
    while (taken < max) {
      const record = this.#ready.shift();
      if (record === undefined) break;
      const m = record.message;
      if (m.expiresAt !== undefined && m.expiresAt <= now) {
        this.#finish(record, now);
        dropped = true;
        context.onExpired(deliver(record, m.maxAttempts ?? context.maxAttempts), now);
        continue;
      }
      const maxAttempts = m.maxAttempts ?? context.maxAttempts;
      if (record.abandoned && record.attempt >= maxAttempts) {
        const letter = this.#poisonPill(record, maxAttempts, now);
        dropped = true;
        context.onPoisonPill(letter, now);
        continue;
      }
      if (record.abandoned && taken > 0) {
        this.#ready.unshift(record); // next claim, alone
        break;
      }
      if (this.#ordered && m.partitionKey !== undefined && !this.#keys.admit(record, m.partitionKey)) continue;
      const alone = record.abandoned;
      record.attempt++;
      record.abandoned = false;
      records[taken] = record;
      messages[taken] = deliver(record, maxAttempts);
      taken++;
      if (alone) break;
    }
    if (taken === 0) {
      if (dropped) this.signals.roomFreed();
      return null;
    }
    if (taken < size) records.length = messages.length = taken;
    const claim = new MemoryClaim(this.name, ++this.#claimSeq, records, messages, now + context.leaseMs, context.owner);
    this.#claims.add(claim);
    this.#inFlight += taken;
    this.signals.leased(claim.leaseExpiresAt);
    this.signals.roomFreed();
    return claim;
  }

  #poisonPill(record: MessageRecord, maxAttempts: number, now: number): DeadLetter {
    const letter: DeadLetter = {
      message: deliver(record, maxAttempts),
      reason: 'poison-pill',
      error: record.lastError ?? {
        name: 'LeaseExpired',
        message: `delivered ${record.attempt} times and never settled: its consumers died or hung past the lease each time`,
      },
      deadLetteredAt: now,
    };
    this.#dead.add(record, letter);
    this.#finish(record, now, true);
    return letter;
  }

  renew(claim: MemoryClaim, leaseMs: number): number {
    this.#assertLive(claim);
    claim.leaseExpiresAt = this.now() + leaseMs;
    return claim.leaseExpiresAt; // the lease sweep, when it comes, sees the new expiry
  }

  settle(claim: MemoryClaim, settlement: Settlement): void {
    this.#assertLive(claim);
    this.#unclaim(claim);
    const { records } = claim;
    if (settlement.ack === claim.messages) {
      // All acked (the common case): the time matters only to release dedupe keys.
      let now: number | undefined;
      for (let i = 0; i < records.length; i++) {
        const record = records[i]!;
        this.#finish(record, record.message.dedupeKey === undefined ? 0 : (now ??= this.now()));
      }
    } else {
      this.#settleEach(claim, settlement, this.now());
    }
    this.signals.ready();
  }

  /** Moves delayed messages that are due to the ready list; true if any moved. */
  promoteDue(): boolean {
    const now = this.now();
    let moved = false;
    for (let next = this.#delayed.peek(); next !== undefined && next.runAt <= now; next = this.#delayed.peek()) {
      this.#ready.push(this.#delayed.pop()!);
      moved = true;
    }
    if (moved) this.signals.ready();
    return moved;
  }

  /**
   * Expired leases: their messages go back to the front, marked abandoned (the attempt counts).
   * Returns the earliest lease end still to come (Infinity when none).
   */
  expireLeases(): number {
    const now = this.now();
    let next = Infinity;
    const back: MessageRecord[] = [];
    for (const claim of this.#claims.values()) {
      if (claim.leaseExpiresAt <= now) {
        this.#unclaim(claim);
        for (const record of claim.records) {
          record.abandoned = true;
          back.push(record);
        }
      } else if (claim.leaseExpiresAt < next) next = claim.leaseExpiresAt;
    }
    this.#returnToFront(back);
    if (back.length > 0) this.signals.ready();
    return next;
  }

  listDead(limit: number, cursor: string | undefined): ReturnType<DeadLetterList['page']> {
    return this.#dead.page(limit, cursor);
  }

  replayDead(selector: DeadLetterSelector | undefined): number {
    const now = this.now();
    const records = this.#dead.take(selector);
    for (const old of records) {
      const message = { ...old.message, runAt: now };
      // The key is held again while the message is live — also when its own window still held it.
      const key = message.dedupeKey;
      if (key !== undefined) {
        const holder = this.#dedupe.holder(key, now);
        if (holder === undefined || holder === message.id) this.#dedupe.hold(key, message.id);
      }
      this.#ready.push(new MessageRecord(message, ++this.#seq, old.encoded));
    }
    if (records.length > 0) this.signals.ready();
    return records.length;
  }

  purgeDead(selector: DeadLetterSelector | undefined): number {
    const records = this.#dead.take(selector);
    for (const record of records) if (record.message.explicitId) this.#explicitIds.delete(record.message.id);
    return records.length;
  }

  stats(): QueueStats {
    const oldest = this.#ready.peek();
    return {
      queue: this.name,
      ready: this.#ready.length + this.#keys.parkedCount,
      delayed: this.#delayed.length,
      inFlight: this.#inFlight,
      deadLettered: this.#dead.length,
      lagMs: oldest === undefined ? 0 : Math.max(0, this.now() - oldest.runAt),
    };
  }

  #settleEach(claim: MemoryClaim, settlement: Settlement, now: number): void {
    const byMessage = new Map<Message, MessageRecord>();
    for (let i = 0; i < claim.messages.length; i++) byMessage.set(claim.messages[i]!, claim.records[i]!);
    const pick = (message: Message): MessageRecord | undefined => {
      const record = byMessage.get(message);
      byMessage.delete(message);
      return record;
    };
    for (const message of settlement.ack) {
      const record = pick(message);
      if (record) this.#finish(record, now);
    }
    let delayed = false;
    for (const { message, runAt, error } of settlement.retry) {
      const record = pick(message);
      if (!record) continue;
      record.runAt = runAt;
      record.lastError = error;
      if (runAt <= now) this.#ready.push(record);
      else {
        this.#delayed.push(record);
        delayed = true;
      }
    }
    for (const { message, reason, error } of settlement.deadLetter) {
      const record = pick(message);
      if (!record) continue;
      this.#dead.add(record, { message, reason, error, deadLetteredAt: now });
      this.#finish(record, now, true);
    }
    // Released messages (and any the settlement forgot) go back to the front, attempt not counted.
    const back: MessageRecord[] = [];
    for (const message of settlement.release) {
      const record = pick(message);
      if (record) back.push(record);
    }
    for (const record of byMessage.values()) back.push(record);
    for (const record of back) record.attempt--;
    this.#returnToFront(back);
    if (delayed) this.signals.delayed();
  }

  /** Puts records back at the head of the ready list, keeping their order: they are older than what waits there. */
  #returnToFront(records: readonly MessageRecord[]): void {
    for (let i = records.length - 1; i >= 0; i--) this.#ready.unshift(records[i]!);
  }

  /**
   * A message is done for good: free its dedupe key, its id (unless it stays as a dead letter)
   * and let the next message of its partition key through.
   */
  #finish(record: MessageRecord, now: number, keepsId = false): void {
    const m = record.message;
    if (m.dedupeKey !== undefined) this.#dedupe.release(m.dedupeKey, m.id, now);
    if (m.explicitId && !keepsId) this.#explicitIds.delete(m.id);
    if (this.#ordered && m.partitionKey !== undefined) {
      const next = this.#keys.release(record, m.partitionKey);
      if (next !== undefined) this.#ready.unshift(next);
    }
  }

  #assertLive(claim: MemoryClaim): void {
    // A claim of another store, or an object that is no memory claim at all, is not held either.
    if (!this.#claims.holds(claim)) {
      throw new LeaseLostError(undefined, { source: 'memory' });
    }
  }

  #unclaim(claim: MemoryClaim): void {
    this.#claims.remove(claim);
    this.#inFlight -= claim.records.length;
  }
}
