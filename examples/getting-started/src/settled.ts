import type { LifecycleListener } from '@mqkit/core';

/**
 * Waits for messages by lifecycle events, not sleeps. A message is settled once it was acked
 * (`message.processed`), dead-lettered or expired; a retry is not settled: the message comes back.
 */
export class SettledTracker {
  readonly #settled = new Set<string>();
  readonly #waiters = new Set<() => void>();

  /** Add it at creation (`createQueue({ lifecycle: [tracker.listener] })`), before anything is published. */
  readonly listener: LifecycleListener = {
    name: 'settled-tracker',
    'message.processed': (e) => {
      for (const m of e.messages) this.#settle(m.id);
    },
    'message.dead-lettered': (e) => this.#settle(e.message.id),
    'message.expired': (e) => this.#settle(e.message.id),
  };

  /**
   * Resolves once every message in `ids` has settled. Rejects after `timeoutMs` (a deadline, so a
   * lost message fails the run instead of hanging it), naming the ones still missing.
   */
  waitFor(ids: readonly string[], timeoutMs: number): Promise<void> {
    const missing = (): string[] => ids.filter((id) => !this.#settled.has(id));
    if (missing().length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (missing().length > 0) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`not settled within ${timeoutMs} ms: ${missing().join(', ')}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
    });
  }

  #settle(id: string): void {
    this.#settled.add(id);
    for (const check of [...this.#waiters]) check();
  }
}
