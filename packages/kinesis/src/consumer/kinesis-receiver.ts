import type { Claim, Receiver, ReceiverOptions, SettleResult, Settlement } from '@mqkit/core';
import type { StreamWorker } from './stream-worker.js';

/**
 * One consumer's (or one pull's) window on a stream: claims come from this process's worker for
 * the stream, which every receiver of the stream in this process shares. The last receiver to
 * close makes the worker leave (release its leases) in the background; a settle after close
 * still applies.
 */
export class KinesisReceiver implements Receiver {
  readonly #closing = new AbortController();
  #closed = false;

  constructor(
    private readonly worker: StreamWorker,
    private readonly options: ReceiverOptions,
  ) {
    worker.attach(this);
  }

  async receive(max: number, signal: AbortSignal): Promise<Claim | null> {
    if (this.#closed) return null;
    if (signal.aborted) return this.worker.desk.receive(max, signal, this.options);
    const both = new AbortController();
    const relay = (): void => both.abort();
    signal.addEventListener('abort', relay, { once: true });
    this.#closing.signal.addEventListener('abort', relay, { once: true });
    try {
      return await this.worker.desk.receive(max, both.signal, this.options);
    } finally {
      signal.removeEventListener('abort', relay);
      this.#closing.signal.removeEventListener('abort', relay);
    }
  }

  settle(claim: Claim, settlement: Settlement): Promise<SettleResult | void> {
    return this.worker.desk.settle(claim, settlement);
  }

  renew(claim: Claim, leaseMs: number): Promise<number> {
    return this.worker.desk.renew(claim, leaseMs);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort();
    void this.worker.detach(this).catch(() => undefined);
  }
}
