import type { DeadLetterSelector, NewMessage, PublishResult, QueueStats, Settlement } from '@mqkit/core';
import type { MemoryClaim } from './memory-claim.js';
import { QueueStore } from './queue-store.js';
import { QueueTimers } from './queue-timers.js';
import { ReceiveWaiters, type Waiter } from './receive-waiters.js';
import { SpaceWaiters } from './space-waiters.js';
import type { TakeContext } from './take-context.js';

/**
 * One queue of a {@link MemoryBroker}: its storage ({@link QueueStore}), the receivers and
 * publishers waiting on it, and its timers, wired together. Everything is synchronous; the
 * provider and receivers wrap it in the async contract.
 */
export class MemoryQueue {
  readonly #store: QueueStore;
  readonly #receivers: ReceiveWaiters;
  readonly #publishers: SpaceWaiters;
  readonly #timers: QueueTimers;

  constructor(
    readonly name: string,
    now: () => number,
    dedupeWindowMs: () => number,
  ) {
    this.#store = new QueueStore(name, now, dedupeWindowMs, {
      published: () => this.#receivers.serveSoon(),
      ready: () => this.#receivers.serve(),
      delayed: () => this.#timers.scheduleWake(),
      leased: (at) => this.#timers.scheduleSweep(at),
      roomFreed: () => this.#publishers.serve(),
    });
    this.#receivers = new ReceiveWaiters(this.#store);
    this.#publishers = new SpaceWaiters(() => this.#store.size);
    this.#timers = new QueueTimers(this.#store, now);
  }

  /** Messages waiting (ready, parked behind their key, or delayed): what capacity bounds. */
  get size(): number {
    return this.#store.size;
  }

  get reserved(): number {
    return this.#publishers.reserved;
  }

  get publishersWaiting(): boolean {
    return this.#publishers.waiting;
  }

  enableOrdering(): void {
    this.#store.enableOrdering();
  }

  insert(messages: readonly NewMessage[], encoded?: readonly string[]): PublishResult {
    return this.#store.insert(messages, encoded);
  }

  take(max: number, context: TakeContext): MemoryClaim | null {
    return this.#store.take(max, context);
  }

  renew(claim: MemoryClaim, leaseMs: number): number {
    return this.#store.renew(claim, leaseMs);
  }

  settle(claim: MemoryClaim, settlement: Settlement): void {
    this.#store.settle(claim, settlement);
  }

  /** Waits for a claim; see {@link Waiter}. */
  wait(waiter: Waiter): void {
    this.#receivers.add(waiter);
  }

  waitForSpace(need: number, capacity: number, signal: AbortSignal): Promise<void> {
    return this.#publishers.wait(need, capacity, signal);
  }

  unreserve(count: number): void {
    this.#publishers.unreserve(count);
  }

  listDead(limit: number, cursor: string | undefined): ReturnType<QueueStore['listDead']> {
    return this.#store.listDead(limit, cursor);
  }

  replayDead(selector: DeadLetterSelector | undefined): number {
    return this.#store.replayDead(selector);
  }

  purgeDead(selector: DeadLetterSelector | undefined): number {
    return this.#store.purgeDead(selector);
  }

  stats(): QueueStats {
    return this.#store.stats();
  }

  /** Stop timers (no provider is attached any more). State is kept. */
  stop(): void {
    this.#timers.stop();
  }

  /** Restart timers after {@link stop}. */
  resume(): void {
    this.#timers.resume();
  }
}
