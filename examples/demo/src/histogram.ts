/**
 * A fixed-bucket latency histogram: one counter per millisecond up to `maxMs`, one overflow
 * bucket. Recording is an array increment, so it can sit on the hot path of every processed
 * message; percentiles are exact to the millisecond (the resolution of message timestamps).
 */
export class Histogram {
  readonly #buckets: Uint32Array;
  #count = 0;
  #max = 0;

  constructor(readonly maxMs = 60_000) {
    this.#buckets = new Uint32Array(maxMs + 2);
  }

  get count(): number {
    return this.#count;
  }

  /** Largest value seen (ms). */
  get max(): number {
    return this.#max;
  }

  record(ms: number): void {
    const v = ms <= 0 ? 0 : Math.round(ms);
    if (v > this.#max) this.#max = v;
    this.#buckets[v > this.maxMs ? this.maxMs + 1 : v]!++;
    this.#count++;
  }

  /** The value at percentile `p` (0–100), in ms; `Infinity` if it falls in the overflow bucket. */
  percentile(p: number): number {
    if (this.#count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.#count));
    let seen = 0;
    for (let i = 0; i < this.#buckets.length; i++) {
      seen += this.#buckets[i]!;
      if (seen >= rank) return i > this.maxMs ? Number.POSITIVE_INFINITY : i;
    }
    return Number.POSITIVE_INFINITY;
  }
}
