/**
 * Where a durable provider's idle receivers of one queue wait for a reason to look again: a hint
 * that something was published (a NOTIFY, a change stream event, a publish in this process), the
 * moment the next message becomes claimable, the polling backstop, or their signal. Every waiter
 * wakes on `notify` (a reconnect, a close); `notifyOne` wakes one, for a hint about new messages.
 * Each then claims, and the backend's atomic claim sorts out who gets what.
 */
export class QueueWake {
  readonly #waiters = new Set<() => void>();

  get waiting(): number {
    return this.#waiters.size;
  }

  /** Resolves after `ms`, on {@link notify}, or when `signal` aborts — whichever comes first. Never rejects. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.#waiters.add(done);
    });
  }

  /** Something may be claimable: every waiter looks again. */
  notify(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  /**
   * Something was published: the longest-waiting waiter looks again, the others sleep on. A waiter
   * whose claim comes back full calls it again (there may be more), so a burst spreads over as many
   * waiters as it fills, and one message wakes one claim instead of one per idle slot. Returns
   * false when nobody was waiting.
   */
  notifyOne(): boolean {
    for (const wake of this.#waiters) {
      wake();
      return true;
    }
    return false;
  }
}
