import type { DeadLetterReason, LifecycleListener } from '@mqkit/core';
import { Histogram } from './histogram.js';

/**
 * Counts what the lifecycle events report. Everything the progress bar and the summary show comes
 * from here: the demo never counts inside its processors.
 */
export class Tally {
  published = 0;
  processed = 0;
  retried = 0;
  deadLettered = 0;
  readonly deadByReason = new Map<DeadLetterReason, number>();
  /** createdAt → processed, per message (includes delays and retries). */
  readonly latency = new Histogram();
  /** runAt → processed, per message: how long a due message waited for a consumer. */
  readonly wait = new Histogram();
  #target = Number.POSITIVE_INFINITY;
  #onDone: (() => void) | undefined;

  /** Processed or dead-lettered: done for good. */
  get settled(): number {
    return this.processed + this.deadLettered;
  }

  /** A lifecycle listener feeding this tally. */
  listener(): LifecycleListener {
    return {
      name: 'demo-tally',
      'message.published': (e) => {
        this.published += e.messages.length;
      },
      'message.processed': (e) => {
        const { messages, at } = e;
        for (let i = 0; i < messages.length; i++) {
          const m = messages[i]!;
          this.latency.record(at - m.createdAt);
          this.wait.record(at - m.runAt);
        }
        this.processed += messages.length;
        this.#check();
      },
      'message.retried': () => {
        this.retried++;
      },
      'message.dead-lettered': (e) => {
        this.deadLettered++;
        this.deadByReason.set(e.reason, (this.deadByReason.get(e.reason) ?? 0) + 1);
        this.#check();
      },
    };
  }

  /** Resolves once `target` messages are settled, or `false` after `timeoutMs`. */
  settledAt(target: number, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#target = target;
      this.#onDone = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.#check();
    });
  }

  #check(): void {
    if (this.settled >= this.#target && this.#onDone) {
      const done = this.#onDone;
      this.#onDone = undefined;
      done();
    }
  }
}
