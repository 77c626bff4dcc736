/** What the timers drive. */
export interface TimedStore {
  /** The earliest delayed `runAt`, if any. */
  readonly nextDueAt: number | undefined;
  /** Move due messages to the ready list. */
  promoteDue(): boolean;
  /** Expire leases that ended; returns the next lease end (Infinity when none). */
  expireLeases(): number;
  leaseEnds(): number[];
}

/**
 * A queue's two timers — no polling: one wakes at the earliest delayed `runAt`, one sweeps
 * expired leases at the earliest lease end. Both stop while no provider is attached to the
 * broker, and resume where they were.
 */
export class QueueTimers {
  #wakeTimer: ReturnType<typeof setTimeout> | undefined;
  #wakeAt = Infinity;
  #sweepTimer: ReturnType<typeof setTimeout> | undefined;
  #sweepAt = Infinity;
  #stopped = false;

  constructor(
    private readonly store: TimedStore,
    private readonly now: () => number,
  ) {}

  /** The earliest delayed message may be earlier than the wake timer. */
  scheduleWake(): void {
    if (this.#stopped) return;
    const at = this.store.nextDueAt;
    if (at === undefined || at >= this.#wakeAt) return;
    clearTimeout(this.#wakeTimer);
    this.#wakeAt = at;
    this.#wakeTimer = setTimeout(() => this.#wake(), Math.max(0, at - this.now()));
  }

  /** A lease ends at `at`: sweep then (unless a sweep comes earlier anyway). */
  scheduleSweep(at: number): void {
    if (this.#stopped || at >= this.#sweepAt) return;
    clearTimeout(this.#sweepTimer);
    this.#sweepAt = at;
    this.#sweepTimer = setTimeout(() => this.#sweep(), Math.max(0, at - this.now()));
    this.#sweepTimer.unref?.();
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
    this.scheduleWake();
    for (const at of this.store.leaseEnds()) this.scheduleSweep(at);
  }

  #wake(): void {
    this.#wakeTimer = undefined;
    this.#wakeAt = Infinity;
    this.store.promoteDue();
    this.scheduleWake();
  }

  #sweep(): void {
    this.#sweepTimer = undefined;
    this.#sweepAt = Infinity;
    const next = this.store.expireLeases();
    if (next < Infinity) this.scheduleSweep(next);
  }
}
