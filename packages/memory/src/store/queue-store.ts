import { LeaseLostError, type DeadLetterSelector, type DuplicateRef, type Message, type NewMessage, type PublishResult, type QueueStats, type Settlement } from '@mqkit/core';
import { DeadLetterList } from './dead-letter-list.js';
import { DedupeIndex } from './dedupe-index.js';
import { Deque } from './deque.js';
import { KeyOrder } from './key-order.js';
import type { MemoryClaim } from './memory-claim.js';
import { MinHeap } from './min-heap.js';
import { byRunAt, deliver, type MessageRecord } from './record.js';
import type { TakeContext } from './take-context.js';

export interface Waiter {
  readonly max: number;
  readonly context: TakeContext;
  readonly resolve: (claim: MemoryClaim) => void;
  active: boolean;
}

interface SpaceWaiter {
  readonly need: number;
  readonly capacity: number;
  readonly resolve: () => void;
}

const NO_DUPLICATES: readonly DuplicateRef[] = Object.freeze([]);

/**
 * One queue's storage: ready FIFO, delayed heap (woken by one timer at the earliest runAt — no
 * polling), per-key ordering, live claims (expired by one lease sweep timer), dead letters, dedupe
 * keys, and the receivers and publishers waiting on it. Everything is synchronous; the provider
 * and receivers wrap it in the async contract.
 */
export class QueueStore {
  readonly #ready = new Deque<MessageRecord>();
  readonly #delayed = new MinHeap<MessageRecord>(byRunAt);
  readonly #keys = new KeyOrder();
  readonly #claims = new Map<string, MemoryClaim>();
  readonly #dead = new DeadLetterList();
  readonly #dedupe: DedupeIndex;
  readonly #waiters = new Deque<Waiter>();
  readonly #spaceWaiters = new Deque<SpaceWaiter>();
  #ordered = false;
  #inFlight = 0;
  #seq = 0;
  #claimSeq = 0;
  #wakeTimer: ReturnType<typeof setTimeout> | undefined;
  #wakeAt = Infinity;
  #sweepTimer: ReturnType<typeof setTimeout> | undefined;
  #sweepAt = Infinity;
  #stopped = false;
  #servePending = false;
  #compactAt = 64;
  #reserved = 0;

  constructor(
    readonly name: string,
    private readonly now: () => number,
    dedupeWindowMs: () => number,
  ) {
    this.#dedupe = new DedupeIndex(dedupeWindowMs);
  }

  /** Messages waiting (ready, parked behind their key, or delayed): what capacity bounds. */
  get size(): number {
    return this.#ready.length + this.#keys.parkedCount + this.#delayed.length;
  }

  /** Once any consumer asks for ordering, this queue keeps one message in flight per partition key. */
  enableOrdering(): void {
    this.#ordered = true;
  }

  /** Stores messages; `encoded[i]` is message i's payload as JSON (serialization 'json'). */
  insert(messages: readonly NewMessage[], encoded?: readonly string[]): PublishResult {
    const now = this.now();
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
      ids[i] = message.id;
      const record: MessageRecord = {
        message,
        seq: ++this.#seq,
        attempt: 0,
        runAt: message.runAt,
        abandoned: false,
        lastError: undefined,
        encoded: encoded?.[i],
      };
      if (record.runAt <= now) this.#ready.push(record);
      else {
        this.#delayed.push(record);
        delayed = true;
      }
    }
    if (delayed) this.#scheduleWake();
    this.#serveSoon();
    return { ids, duplicates: duplicates ?? NO_DUPLICATES };
  }

  /** Lease up to `max` deliverable messages, or `null` when none are. */
  take(max: number, context: TakeContext): MemoryClaim | null {
    const now = this.now();
    const records: MessageRecord[] = [];
    const messages: Message[] = [];
    while (records.length < max) {
      const record = this.#ready.shift();
      if (record === undefined) break;
      const m = record.message;
      if (m.expiresAt !== undefined && m.expiresAt <= now) {
        this.#finish(record, now);
        context.onExpired(deliver(record, m.maxAttempts ?? context.maxAttempts), now);
        continue;
      }
      const maxAttempts = m.maxAttempts ?? context.maxAttempts;
      if (record.abandoned && record.attempt >= maxAttempts) {
        const letter = {
          message: deliver(record, maxAttempts),
          reason: 'poison-pill' as const,
          error: record.lastError ?? {
            name: 'LeaseExpired',
            message: `delivered ${record.attempt} times and never settled: its consumers died or hung past the lease each time`,
          },
          deadLetteredAt: now,
        };
        this.#dead.add(record, letter);
        this.#finish(record, now);
        context.onPoisonPill(letter, now);
        continue;
      }
      if (this.#ordered && m.partitionKey !== undefined && !this.#keys.admit(record, m.partitionKey)) continue;
      record.attempt++;
      record.abandoned = false;
      records.push(record);
      messages.push(deliver(record, maxAttempts));
    }
    if (records.length === 0) {
      this.#serveSpace(); // expired or poison-pill messages may have been dropped: room for publishers
      return null;
    }
    const claim: MemoryClaim = {
      id: `${this.name}#${++this.#claimSeq}`,
      token: String(this.#claimSeq),
      records,
      messages,
      leaseExpiresAt: now + context.leaseMs,
      live: true,
      owner: context.owner,
      shardId: undefined,
    };
    this.#claims.set(claim.id, claim);
    this.#inFlight += records.length;
    this.#scheduleSweep(claim.leaseExpiresAt);
    this.#serveSpace();
    return claim;
  }

  renew(claim: MemoryClaim, leaseMs: number): number {
    this.#assertLive(claim);
    claim.leaseExpiresAt = this.now() + leaseMs;
    return claim.leaseExpiresAt;
  }

  settle(claim: MemoryClaim, settlement: Settlement): void {
    this.#assertLive(claim);
    this.#unclaim(claim);
    const now = this.now();
    const { records } = claim;
    if (settlement.ack === claim.messages) {
      for (let i = 0; i < records.length; i++) this.#finish(records[i]!, now);
    } else {
      this.#settleEach(claim, settlement, now);
    }
    this.#serve();
  }

  /** Waits for a claim; see {@link Waiter}. */
  wait(waiter: Waiter): void {
    // Waits that ended (aborted pulls, closed receivers) are dropped now and then, so a stream of
    // pull({ waitMs }) calls on an empty queue cannot grow the list without bound.
    if (this.#waiters.length >= this.#compactAt) {
      this.#waiters.removeWhere((w) => !w.active);
      this.#compactAt = 2 * this.#waiters.length + 64;
    }
    this.#waiters.push(waiter);
  }

  /** Room taken by publishers that were let in and have not inserted yet. */
  get reserved(): number {
    return this.#reserved;
  }

  /** True while publishers wait for room: a newcomer queues behind them. */
  get publishersWaiting(): boolean {
    return this.#spaceWaiters.length > 0;
  }

  /**
   * Resolves once `need` messages fit under `capacity`, with that room reserved for the caller
   * (release it with {@link unreserve} after inserting). Publishers are let in strictly in arrival
   * order, so none overtakes another and the bound holds with many waiting. Rejects with the
   * signal's reason if it aborts first.
   */
  waitForSpace(need: number, capacity: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = (): void => {
        this.#spaceWaiters.removeWhere((w) => w === waiter);
        reject(signal.reason);
        this.#serveSpace(); // the next in line may fit now
      };
      const waiter: SpaceWaiter = {
        need,
        capacity,
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#spaceWaiters.push(waiter);
      this.#serveSpace();
    });
  }

  unreserve(count: number): void {
    this.#reserved -= count;
    this.#serveSpace();
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
      this.#ready.push({ message, seq: ++this.#seq, attempt: 0, runAt: now, abandoned: false, lastError: undefined, encoded: old.encoded });
    }
    this.#serve();
    return records.length;
  }

  purgeDead(selector: DeadLetterSelector | undefined): number {
    return this.#dead.take(selector).length;
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

  /** Stop timers (no provider is attached any more). State is kept. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#wakeTimer);
    clearTimeout(this.#sweepTimer);
    this.#wakeTimer = this.#sweepTimer = undefined;
    this.#wakeAt = this.#sweepAt = Infinity;
  }

  /** Restart timers after {@link stop}. */
  resume(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#scheduleWake();
    for (const claim of this.#claims.values()) this.#scheduleSweep(claim.leaseExpiresAt);
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
      this.#finish(record, now);
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
    if (delayed) this.#scheduleWake();
  }

  /** Puts records back at the head of the ready list, keeping their order: they are older than what waits there. */
  #returnToFront(records: readonly MessageRecord[]): void {
    for (let i = records.length - 1; i >= 0; i--) this.#ready.unshift(records[i]!);
  }

  /** A message is done for good: free its dedupe key and let the next message of its partition key through. */
  #finish(record: MessageRecord, now: number): void {
    const m = record.message;
    if (m.dedupeKey !== undefined) this.#dedupe.release(m.dedupeKey, m.id, now);
    if (this.#ordered && m.partitionKey !== undefined) {
      const next = this.#keys.release(record, m.partitionKey);
      if (next !== undefined) this.#ready.unshift(next);
    }
  }

  #assertLive(claim: MemoryClaim): void {
    if (!claim.live || this.#claims.get(claim.id) !== claim) {
      throw new LeaseLostError(undefined, { source: 'memory' });
    }
  }

  #unclaim(claim: MemoryClaim): void {
    claim.live = false;
    this.#claims.delete(claim.id);
    this.#inFlight -= claim.records.length;
  }

  /**
   * Serve waiting receivers after the publish call has returned, so the publisher's
   * `message.published` event comes before any `message.received` for the same messages.
   */
  #serveSoon(): void {
    if (this.#servePending || this.#waiters.length === 0) return;
    this.#servePending = true;
    setImmediate(() => {
      this.#servePending = false;
      this.#serve();
    });
  }

  /** Hands ready messages to waiting receivers, oldest waiter first. */
  #serve(): void {
    while (this.#waiters.length > 0 && this.#ready.length > 0) {
      const waiter = this.#waiters.peek()!;
      if (!waiter.active) {
        this.#waiters.shift();
        continue;
      }
      const claim = this.take(waiter.max, waiter.context);
      if (claim === null) break;
      this.#waiters.shift();
      waiter.active = false;
      waiter.resolve(claim);
    }
  }

  #serveSpace(): void {
    for (let w = this.#spaceWaiters.peek(); w !== undefined; w = this.#spaceWaiters.peek()) {
      if (this.size + this.#reserved + w.need > w.capacity) return;
      this.#spaceWaiters.shift();
      this.#reserved += w.need;
      w.resolve();
    }
  }


  #scheduleWake(): void {
    if (this.#stopped) return;
    const next = this.#delayed.peek();
    if (next === undefined || next.runAt >= this.#wakeAt) return;
    clearTimeout(this.#wakeTimer);
    this.#wakeAt = next.runAt;
    this.#wakeTimer = setTimeout(() => this.#wake(), Math.max(0, next.runAt - this.now()));
  }

  #wake(): void {
    this.#wakeTimer = undefined;
    this.#wakeAt = Infinity;
    const now = this.now();
    for (let next = this.#delayed.peek(); next !== undefined && next.runAt <= now; next = this.#delayed.peek()) {
      this.#ready.push(this.#delayed.pop()!);
    }
    this.#scheduleWake();
    this.#serve();
  }

  #scheduleSweep(at: number): void {
    if (this.#stopped || at >= this.#sweepAt) return;
    clearTimeout(this.#sweepTimer);
    this.#sweepAt = at;
    this.#sweepTimer = setTimeout(() => this.#sweep(), Math.max(0, at - this.now()));
    this.#sweepTimer.unref?.();
  }

  /** Expired leases: their messages go back to the front, marked abandoned (the attempt counts). */
  #sweep(): void {
    this.#sweepTimer = undefined;
    this.#sweepAt = Infinity;
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
    if (next < Infinity) this.#scheduleSweep(next);
    this.#serve();
  }
}
