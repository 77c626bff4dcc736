/** What one GetRecords call returned, for deciding the next. */
export interface ReadResult {
  readonly records: number;
  readonly limit: number;
  readonly millisBehindLatest: number | undefined;
  /** Records of this shard fetched and not settled yet. */
  readonly buffered: number;
  readonly maxBuffered: number;
}

/**
 * How a shard is read: the wait before the next GetRecords and its `Limit` (adaptive batch size
 * and idle delay), and the back-off after a throttled call. Pluggable (`read.pacing`).
 */
export interface ReadPacing {
  readonly initialLimit: number;
  next(read: ReadResult): { readonly delayMs: number; readonly limit: number };
  /** The wait after the `streak`-th throttled call in a row (1-based). */
  throttled(streak: number): number;
}

export interface AdaptivePacingOptions {
  /** Least time between two GetRecords of one shard: 200 keeps within Kinesis' 5 calls/s per shard. */
  readonly minIntervalMs?: number;
  /** The wait after a call that found nothing while the shard is caught up. Default 500. */
  readonly idleDelayMs?: number;
  /** Largest `Limit` (Kinesis: 10000). Default 10000. */
  readonly maxRecords?: number;
  /** Smallest `Limit` it shrinks to when the processor falls behind. Default 100. */
  readonly minRecords?: number;
  /** Longest back-off after throttling. Default 30000. */
  readonly maxThrottleDelayMs?: number;
}

/**
 * The default pacing. Behind (`MillisBehindLatest` > 0) or a full page: read again after the
 * minimum interval, with the largest limit; caught up and empty: wait `idleDelayMs`, the limit
 * halving while pages come back under a quarter full. Throttled: 500 ms doubling with jitter, capped.
 */
export class AdaptivePacing implements ReadPacing {
  readonly #min: number;
  readonly #idle: number;
  readonly #maxRecords: number;
  readonly #minRecords: number;
  readonly #maxThrottle: number;
  readonly initialLimit: number;

  constructor(options: AdaptivePacingOptions = {}) {
    this.#min = options.minIntervalMs ?? 200;
    this.#idle = options.idleDelayMs ?? 500;
    this.#maxRecords = options.maxRecords ?? 10_000;
    this.#minRecords = Math.min(options.minRecords ?? 100, this.#maxRecords);
    this.#maxThrottle = options.maxThrottleDelayMs ?? 30_000;
    this.initialLimit = this.#maxRecords;
  }

  next(read: ReadResult): { delayMs: number; limit: number } {
    // Behind: the largest page. Caught up: pages about as large as what arrives (halving while
    // they come back under a quarter full), so a quiet shard asks for little. Memory is bounded
    // separately: a page never asks for more than the buffer has room for.
    const behind = read.records >= read.limit || (read.millisBehindLatest ?? 0) > 0;
    let limit = read.limit;
    if (behind) limit = this.#maxRecords;
    else if (read.records < read.limit / 4) limit = Math.max(this.#minRecords, Math.floor(limit / 2));
    const delayMs = behind || read.records > 0 ? this.#min : Math.max(this.#min, this.#idle);
    return { delayMs, limit };
  }

  throttled(streak: number): number {
    const cap = Math.min(this.#maxThrottle, 500 * 2 ** Math.min(streak - 1, 10));
    return Math.round(cap / 2 + Math.random() * (cap / 2));
  }
}
