import { sleep } from '@mqkit/core';
import { isExpiredIterator, isThrottle } from '../kinesis/aws-errors.js';
import type { IteratorStart, KinesisApi, ShardInfo } from '../kinesis/kinesis-api.js';
import { deaggregate, hashKeyOf } from '../kpl/aggregation.js';
import { comparePositions, parsePosition, positionOf } from '../positions.js';
import type { RawRecord } from '../producer/record-codec.js';
import type { ReadPacing } from './read-pacing.js';

/** A record read from the shard, at its position. */
export interface ReadRecord {
  readonly position: string;
  readonly raw: RawRecord;
}

export interface ShardReaderHooks {
  /** Records in shard order (sub-records of an aggregate in their order). */
  onRecords(records: readonly ReadRecord[]): void;
  /** The shard is closed and every record was read (SHARD_END). */
  onEnd(): void;
  onLag(millisBehindLatest: number): void;
  /** A GetRecords answered (with or without records). */
  onRead(): void;
  onThrottle(operation: string, delayMs: number): void;
  onError(operation: string, error: unknown, retryInMs: number): void;
  /** Records fetched and not yet settled (reading pauses while the buffer is full). */
  buffered(): number;
}

export interface ShardReaderOptions {
  readonly api: KinesisApi;
  readonly stream: string;
  readonly shard: ShardInfo;
  /** The checkpoint, or the shard's start position (`TRIM_HORIZON`, `AT_TIMESTAMP:<ms>`, …). */
  readonly checkpoint: string | undefined;
  readonly startAt: string;
  readonly pacing: ReadPacing;
  readonly maxBuffered: number;
  /** Least time between two GetRecords of this shard (a poke never reads sooner). */
  readonly minIntervalMs: number;
  readonly hooks: ShardReaderHooks;
}

/**
 * Reads one shard from its checkpoint (the ShardConsumer's fetching half): GetShardIterator, then
 * GetRecords at the pace the pacing says, de-aggregating KPL records (dropping sub-records whose
 * hash key is outside the shard's range: they belong to a sibling after a reshard), re-obtaining
 * an expired iterator after the last record read, backing off when throttled (never a failure).
 */
export class ShardReader {
  readonly #o: ShardReaderOptions;
  readonly #stop = new AbortController();
  #wake: (() => void) | undefined;
  /** Last position read (a whole record or a sub-record). */
  #last: string | undefined;
  #lastCall = -Infinity;
  /** GetRecords calls started and answered (or failed), for `nextRead`. */
  #started = 0;
  #answered = 0;
  #readWaiters: Array<{ after: number; resolve: () => void }> = [];
  #poked = false;
  readonly done: Promise<void>;

  constructor(options: ShardReaderOptions) {
    this.#o = options;
    this.#last = options.checkpoint;
    this.done = this.#run().catch(() => undefined);
  }

  stop(): void {
    this.#stop.abort();
    this.#wake?.();
    this.#answer(Infinity);
  }

  /** Resolves once a GetRecords that starts after this call has answered ("what is ready now"). */
  nextRead(): Promise<void> {
    if (this.#stop.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      this.#readWaiters.push({ after: this.#started, resolve });
      this.poke();
    });
  }

  #answer(upTo: number): void {
    this.#answered = Math.max(this.#answered, upTo);
    const waiting = this.#readWaiters;
    this.#readWaiters = [];
    for (const w of waiting) {
      if (w.after < this.#answered) w.resolve();
      else this.#readWaiters.push(w);
    }
  }

  /** Read as soon as the pacing's minimum interval allows (records were just put here, or the buffer drained). */
  poke(): void {
    this.#poked = true;
    this.#wake?.();
  }

  #start(): IteratorStart {
    return iteratorStart(this.#last, this.#o.startAt);
  }

  /** Waits `ms`, or less when poked, but never closer than the minimum interval to the last call. */
  async #pause(ms: number): Promise<void> {
    if (this.#stop.signal.aborted) return;
    this.#poked = false;
    await new Promise<void>((resolve) => {
      let timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        clearTimeout(timer);
        if (this.#stop.signal.aborted) return done();
        timer = setTimeout(done, Math.max(0, this.#lastCall + this.#o.minIntervalMs - performance.now()));
      };
    });
    this.#wake = undefined;
  }

  async #run(): Promise<void> {
    const { api, stream, shard, pacing, hooks, maxBuffered } = this.#o;
    const signal = this.#stop.signal;
    let iterator: string | undefined;
    let limit = pacing.initialLimit;
    let throttles = 0;
    let failures = 0;
    while (!signal.aborted) {
      const buffered = hooks.buffered();
      if (buffered >= maxBuffered) {
        await this.#pause(1_000); // woken when the buffer drains
        continue;
      }
      const operation = iterator === undefined ? 'GetShardIterator' : 'GetRecords';
      try {
        if (iterator === undefined) {
          iterator = await api.getShardIterator(stream, shard.shardId, this.#start());
          continue;
        }
        this.#lastCall = performance.now();
        const call = ++this.#started;
        let page;
        try {
          page = await api.getRecords(iterator, Math.min(limit, Math.max(1, maxBuffered - buffered)));
        } finally {
          queueMicrotask(() => this.#answer(call));
        }
        if (signal.aborted) return;
        throttles = 0;
        failures = 0;
        const records = this.#expand(page.records);
        if (records.length > 0) hooks.onRecords(records);
        if (page.millisBehindLatest !== undefined) hooks.onLag(page.millisBehindLatest);
        hooks.onRead();
        if (page.next === undefined) {
          hooks.onEnd();
          this.#answer(Infinity);
          return;
        }
        iterator = page.next;
        const next = pacing.next({ records: page.records.length, limit, millisBehindLatest: page.millisBehindLatest, buffered: hooks.buffered(), maxBuffered });
        limit = next.limit;
        const wait = Math.max(0, this.#lastCall + next.delayMs - performance.now());
        if (!this.#poked) await this.#pause(wait);
        else await this.#pause(Math.max(0, this.#lastCall + this.#o.minIntervalMs - performance.now()));
      } catch (error) {
        if (signal.aborted) return;
        if (isExpiredIterator(error)) {
          iterator = undefined; // again, after the last record read
          continue;
        }
        if (isThrottle(error)) {
          const delayMs = pacing.throttled(++throttles);
          hooks.onThrottle(operation, delayMs);
          await sleep(delayMs, signal);
          continue;
        }
        const delayMs = Math.min(5_000, 100 * 2 ** Math.min(failures++, 6));
        hooks.onError(operation, error, delayMs);
        if (operation === 'GetShardIterator' || failures > 3) iterator = undefined;
        await sleep(delayMs, signal);
      }
    }
  }

  /** Sdk records to positioned records: de-aggregated, filtered to the shard's range and past the last read. */
  #expand(records: ReadonlyArray<{ sequenceNumber: string; partitionKey: string; data: Uint8Array; arrivalMs: number }>): ReadRecord[] {
    const { shard } = this.#o;
    const out: ReadRecord[] = [];
    const last = this.#last;
    for (const r of records) {
      const subs = deaggregate(r.data);
      if (subs === undefined) {
        const position = positionOf(r.sequenceNumber, undefined);
        if (last === undefined || comparePositions(position, last) > 0) {
          out.push({ position, raw: { shardId: shard.shardId, sequenceNumber: r.sequenceNumber, subSequenceNumber: undefined, partitionKey: r.partitionKey, data: r.data, arrivalMs: r.arrivalMs } });
        }
        this.#last = position;
        continue;
      }
      subs.forEach((s, i) => {
        const position = positionOf(r.sequenceNumber, i);
        if (last !== undefined && comparePositions(position, last) <= 0) return;
        const hash = hashKeyOf(s.partitionKey, s.explicitHashKey);
        if (hash < shard.startHash || hash > shard.endHash) return; // a sibling's since the reshard
        out.push({ position, raw: { shardId: shard.shardId, sequenceNumber: r.sequenceNumber, subSequenceNumber: i, partitionKey: s.partitionKey, data: s.data, arrivalMs: r.arrivalMs } });
      });
      this.#last = positionOf(r.sequenceNumber, undefined);
    }
    return out;
  }
}

/**
 * Where to read a shard from: after its last position (`last`, a checkpoint or the last record
 * read), or from its start position (`TRIM_HORIZON`, `LATEST`, `AT_TIMESTAMP:<ms>`) when none.
 */
export function iteratorStart(last: string | undefined, startAt: string): IteratorStart {
  if (last !== undefined) {
    const p = parsePosition(last);
    // A partly processed aggregate is read again from its record; its done sub-records are skipped.
    if (p.sub !== Infinity) return { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: String(p.seq) };
    return { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: String(p.seq) };
  }
  if (startAt.startsWith('AT_TIMESTAMP:')) return { type: 'AT_TIMESTAMP', timestamp: Number(startAt.slice('AT_TIMESTAMP:'.length)) };
  return { type: startAt === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON' };
}
