import type { RegistryContentType, Registry as PromRegistry } from 'prom-client';

type Registry = PromRegistry<RegistryContentType>;
import { COUNTERS, DEAD_LETTER_REASONS, GAUGES, HISTOGRAMS, LEASE_KINDS, LISTENER_ERRORS, OUTCOMES, STOP_REASONS } from './catalog.js';
import { Family } from './families/family.js';
import { ScalarFamily, type ScalarCell } from './families/scalar.js';
import { HistogramFamily, type HistogramCell } from './families/histogram.js';

type Counters = { readonly [K in keyof typeof COUNTERS]: ScalarFamily };
type Gauges = { readonly [K in keyof typeof GAUGES]: ScalarFamily };
type Histograms = { readonly [K in keyof typeof HISTOGRAMS]: HistogramFamily };

/** Every family of one registry (shared by every listener on it). */
export interface MetricSet {
  readonly counters: Counters;
  readonly gauges: Gauges;
  readonly histograms: Histograms;
  readonly listenerErrors: ScalarFamily;
  /** Scrape-time refreshers (one per listener that watches stats) run by the stats families' collect. */
  readonly refreshers: Set<() => Promise<void>>;
}

const sets = new WeakMap<Registry, MetricSet>();

/** The families on `registry`, registered on first use. */
export function metricSet(registry: Registry): MetricSet {
  let set = sets.get(registry);
  if (set === undefined) {
    const map = <S, F>(specs: Record<string, S>, make: (spec: S) => F): Record<string, F> =>
      Object.fromEntries(Object.entries(specs).map(([k, spec]) => [k, make(spec)]));
    set = {
      counters: map(COUNTERS, (s) => Family.register(registry, new ScalarFamily(s, 'counter'))) as Counters,
      gauges: map(GAUGES, (s) => Family.register(registry, new ScalarFamily(s, 'gauge'))) as Gauges,
      histograms: map(HISTOGRAMS, (s) => Family.register(registry, new HistogramFamily(s))) as Histograms,
      listenerErrors: Family.register(registry, new ScalarFamily(LISTENER_ERRORS, 'counter')),
      refreshers: new Set(),
    };
    const { refreshers } = set;
    const collect = async (): Promise<void> => {
      await Promise.all([...refreshers].map((refresh) => refresh()));
    };
    const { gauges, counters } = set;
    for (const family of [gauges.queueMessages, gauges.oldestReady, gauges.statsUp, gauges.statsDuration, counters.statsErrors]) family.collect = collect;
    sets.set(registry, set);
  }
  return set;
}

type ByValue<T extends readonly string[], C> = { readonly [K in T[number]]: C };

function byValue<T extends readonly string[], C>(values: T, cell: (value: T[number]) => C): ByValue<T, C> {
  return Object.fromEntries(values.map((v) => [v, cell(v)])) as ByValue<T, C>;
}

/**
 * The cells of one queue on one system, resolved once: the listener's hot paths write to these
 * fields directly. Making it initialises every known label set of the queue to zero, so `rate()`
 * and `absent()`-free alerts see the series from the first scrape.
 */
export class QueueCells {
  readonly system: string;
  readonly queue: string;
  readonly labels: readonly [string, string];
  readonly sent: ScalarCell;
  readonly consumed: ScalarCell;
  readonly settled: ByValue<typeof OUTCOMES, ScalarCell>;
  readonly deadLetters: ByValue<typeof DEAD_LETTER_REASONS, ScalarCell>;
  readonly deduplicated: ScalarCell;
  readonly replayed: ScalarCell;
  readonly timeouts: ScalarCell;
  readonly stops: ByValue<typeof STOP_REASONS, ScalarCell>;
  readonly abandoned: ScalarCell;
  readonly leasesAcquired: ByValue<typeof LEASE_KINDS, ScalarCell>;
  readonly leasesRenewed: ByValue<typeof LEASE_KINDS, ScalarCell>;
  readonly leasesLost: ByValue<typeof LEASE_KINDS, ScalarCell>;
  readonly leasesStolen: ByValue<typeof LEASE_KINDS, ScalarCell>;
  readonly leasesReleased: ByValue<typeof LEASE_KINDS, ScalarCell>;
  readonly leasesHeld: ByValue<typeof LEASE_KINDS, ScalarCell>;
  readonly checkpoints: ScalarCell;
  readonly rebalances: ScalarCell;
  readonly poisonPills: ScalarCell;
  readonly consumers: ScalarCell;
  readonly slots: ScalarCell;
  readonly busySlots: ScalarCell;
  readonly overrunning: ScalarCell;
  readonly process: HistogramCell;
  readonly publish: HistogramCell;
  readonly settle: HistogramCell;
  readonly wait: HistogramCell;
  readonly attempts: HistogramCell;
  readonly overrun: HistogramCell;
  readonly #set: MetricSet;

  constructor(set: MetricSet, system: string, queue: string) {
    this.#set = set;
    this.system = system;
    this.queue = queue;
    this.labels = [system, queue];
    const { counters: c, gauges: g, histograms: h } = set;
    const l = this.labels;
    this.sent = c.sent.child([...l, 'publish', '']);
    this.consumed = c.consumed.child([...l, 'receive']);
    this.settled = byValue(OUTCOMES, (v) => c.settled.child([...l, v]));
    this.deadLetters = byValue(DEAD_LETTER_REASONS, (v) => c.deadLetters.child([...l, v]));
    this.deduplicated = c.deduplicated.child(l);
    this.replayed = c.replayed.child(l);
    this.timeouts = c.timeouts.child(l);
    this.stops = byValue(STOP_REASONS, (v) => c.stops.child([...l, v]));
    this.abandoned = c.abandoned.child(l);
    this.leasesAcquired = byValue(LEASE_KINDS, (v) => c.leasesAcquired.child([...l, v]));
    this.leasesRenewed = byValue(LEASE_KINDS, (v) => c.leasesRenewed.child([...l, v]));
    this.leasesLost = byValue(LEASE_KINDS, (v) => c.leasesLost.child([...l, v]));
    this.leasesStolen = byValue(LEASE_KINDS, (v) => c.leasesStolen.child([...l, v]));
    this.leasesReleased = byValue(LEASE_KINDS, (v) => c.leasesReleased.child([...l, v]));
    this.leasesHeld = byValue(LEASE_KINDS, (v) => g.leasesHeld.child([...l, v]));
    this.checkpoints = c.checkpoints.child(l);
    this.rebalances = c.rebalances.child(l);
    this.poisonPills = c.poisonPills.child(l);
    this.consumers = g.consumers.child(l);
    this.slots = g.slots.child(l);
    this.busySlots = g.busySlots.child(l);
    this.overrunning = g.overrunning.child(l);
    this.process = h.process.child([...l, 'process', '']);
    this.publish = h.operation.child([...l, 'publish', 'send', '']);
    this.settle = h.operation.child([...l, 'settle', 'settle', '']);
    this.wait = h.wait.child(l);
    this.attempts = h.attempts.child(l);
    this.overrun = h.overrun.child(l);
  }

  /** Cold paths: series with a label known only when it happens (error_type, operation, shard). */
  get set(): MetricSet {
    return this.#set;
  }
}
