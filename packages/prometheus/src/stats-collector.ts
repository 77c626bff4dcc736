import type { Clock, Queue, QueueStats } from '@mqkit/core';
import { QUEUE_STATES } from './catalog.js';
import { BoundedLabel, errorTypeOf } from './bounded-label.js';
import type { MetricSet } from './metric-set.js';

export interface StatsTiming {
  /** A queue's figures are reused for this long before stats() is called again. */
  readonly cacheMs: number;
  /** A scrape waits at most this long for one queue's stats(). */
  readonly timeoutMs: number;
  readonly clock: Clock;
}

interface Watched {
  readonly system: string;
  readonly queue: Queue;
  readonly name: string;
  readonly labels: readonly [string, string];
  /** When the last answer came (clock ms), or -Infinity. */
  fetchedAt: number;
  /** The stats() call in flight: a scrape never starts a second one for the same queue. */
  inflight: Promise<void> | undefined;
}

const TIMED_OUT = Symbol('timed out');

/**
 * The scrape-time gauges: queue depth by state, the oldest ready message's timestamp, and
 * whether stats() answered. Each watched queue's stats() runs at most once per `cacheMs`, all in
 * parallel, each waited for at most `timeoutMs`. A failing or hanging call never fails the
 * scrape: it is counted (`mqkit_queue_stats_errors_total`), `mqkit_queue_stats_up` goes to 0,
 * and that queue's depth series are removed until it answers again (a stale figure would lie).
 */
export class StatsCollector {
  readonly #set: MetricSet;
  readonly #timing: StatsTiming;
  readonly #errorTypes: BoundedLabel;
  readonly #watched = new Set<Watched>();
  #refreshing: Promise<void> | undefined;

  constructor(set: MetricSet, timing: StatsTiming, errorTypes: BoundedLabel) {
    this.#set = set;
    this.#timing = timing;
    this.#errorTypes = errorTypes;
  }

  /** Collects `queue.stats(name)` for each name at every scrape; returns a function that stops it. */
  watch(system: string, queue: Queue, names: readonly string[]): () => void {
    const added = names.map((name) => {
      const entry: Watched = { system, queue, name, labels: [system, name], fetchedAt: -Infinity, inflight: undefined };
      this.#watched.add(entry);
      return entry;
    });
    return () => {
      for (const entry of added) this.#unwatch(entry);
    };
  }

  /** Called by the registry (through the families' collect) once per scrape, shared by the families. Never rejects. */
  refresh(): Promise<void> {
    this.#refreshing ??= Promise.all([...this.#watched].map((entry) => this.#refreshOne(entry))).then(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refreshOne(entry: Watched): Promise<void> {
    try {
      await this.#tryRefresh(entry);
    } catch (error) {
      // Whatever failed (a clock that throws, a stats() that throws synchronously), the scrape goes on.
      if (this.#watched.has(entry)) this.#failed(entry, this.#errorTypes.value(errorTypeOf(error)));
    }
  }

  async #tryRefresh(entry: Watched): Promise<void> {
    const { clock, cacheMs, timeoutMs } = this.#timing;
    if (clock.now() - entry.fetchedAt < cacheMs) return;
    entry.inflight ??= this.#fetch(entry);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
    });
    const result = await Promise.race([entry.inflight, timeout]);
    clearTimeout(timer);
    if (result === TIMED_OUT && this.#watched.has(entry)) this.#failed(entry, 'timeout');
  }

  async #fetch(entry: Watched): Promise<void> {
    const started = performance.now();
    try {
      const stats = await entry.queue.stats(entry.name);
      if (this.#watched.has(entry)) this.#answered(entry, stats, (performance.now() - started) / 1000);
    } catch (error) {
      if (!this.#watched.has(entry)) return;
      if ((error as { code?: unknown } | null)?.code === 'MQKIT_CLOSED') return this.#unwatch(entry);
      this.#failed(entry, this.#errorTypes.value(errorTypeOf(error)));
    } finally {
      entry.inflight = undefined;
    }
  }

  #answered(entry: Watched, stats: QueueStats, seconds: number): void {
    const { gauges } = this.#set;
    const now = this.#timing.clock.now();
    entry.fetchedAt = now;
    const counts: Record<(typeof QUEUE_STATES)[number], number | null> = {
      ready: stats.ready,
      delayed: stats.delayed,
      in_flight: stats.inFlight,
      dead_lettered: stats.deadLettered,
    };
    for (const state of QUEUE_STATES) {
      const value = counts[state];
      if (typeof value === 'number' && Number.isFinite(value)) gauges.queueMessages.child([...entry.labels, state]).value = value;
      else gauges.queueMessages.remove([...entry.labels, state]);
    }
    if (typeof stats.lagMs === 'number' && Number.isFinite(stats.lagMs)) gauges.oldestReady.child(entry.labels).value = (now - Math.max(0, stats.lagMs)) / 1000;
    else gauges.oldestReady.remove(entry.labels);
    gauges.statsUp.child(entry.labels).value = 1;
    gauges.statsDuration.child(entry.labels).value = seconds;
  }

  #failed(entry: Watched, errorType: string): void {
    const { gauges, counters } = this.#set;
    counters.statsErrors.child([...entry.labels, errorType]).value++;
    gauges.statsUp.child(entry.labels).value = 0;
    this.#removeDepth(entry);
  }

  #unwatch(entry: Watched): void {
    if (!this.#watched.delete(entry)) return;
    const { gauges } = this.#set;
    this.#removeDepth(entry);
    gauges.statsUp.remove(entry.labels);
    gauges.statsDuration.remove(entry.labels);
  }

  #removeDepth(entry: Watched): void {
    const { gauges } = this.#set;
    for (const state of QUEUE_STATES) gauges.queueMessages.remove([...entry.labels, state]);
    gauges.oldestReady.remove(entry.labels);
  }
}
