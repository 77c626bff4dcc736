import type { RegistryContentType, Registry as PromRegistry } from 'prom-client';

type Registry = PromRegistry<RegistryContentType>;

/** One sample as prom-client's registry formats it (`get()` of a metric). */
export interface Sample {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  /** Set for histogram series (`_bucket`, `_sum`, `_count`); the family's name otherwise. */
  readonly metricName?: string;
}

export type FamilyType = 'counter' | 'gauge' | 'histogram';

/** How a prom-client `AggregatorRegistry` (cluster mode) merges the workers' values. */
export type Aggregator = 'sum' | 'min' | 'max' | 'first' | 'omit' | 'average';

export interface FamilySpec {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly aggregator?: Aggregator;
}

interface Series<C> {
  readonly labels: Record<string, string>;
  readonly cell: C;
}

/**
 * A metric family whose values live in plain objects ("cells", one per label set) that the
 * listener updates directly: an increment is a field write, not prom-client's label hashing
 * (~150–350 ns per call, which per message would cost more than the queue itself). The family is
 * registered on the user's prom-client `Registry` as a metric and produces its samples in
 * prom-client's own shape when the registry is scraped (`get()`), so exposition, default labels,
 * the OpenMetrics format and cluster aggregation are prom-client's.
 */
export abstract class Family<C> {
  /** prom-client reads and (for OpenMetrics counters) rewrites `name`; ours stays in `metricName`. */
  name: string;
  readonly metricName: string;
  readonly help: string;
  abstract readonly type: FamilyType;
  readonly aggregator: Aggregator;
  readonly labelNames: readonly string[];
  readonly #series = new Map<string, Series<C>>();
  /** Runs before samples are read (scrape-time gauges refresh here). */
  collect: (() => Promise<void> | void) | undefined;

  constructor(spec: FamilySpec) {
    this.name = spec.name;
    this.metricName = spec.name;
    this.help = spec.help;
    this.labelNames = spec.labelNames;
    this.aggregator = spec.aggregator ?? 'sum';
  }

  protected abstract newCell(): C;
  protected abstract zeroCell(cell: C): void;
  protected abstract samples(labels: Record<string, string>, cell: C, out: Sample[]): void;

  /** The cell of one label set (values in `labelNames` order), made (at zero) on first use. */
  child(values: readonly string[]): C {
    const key = values.join('\u0000');
    let series = this.#series.get(key);
    if (series === undefined) {
      if (values.length !== this.labelNames.length) {
        throw new Error(`[mqkit] [prometheus] ${this.metricName} takes ${this.labelNames.length} label values, got ${values.length}`);
      }
      const labels: Record<string, string> = {};
      // An empty value means "no such label" (error_type on a success), as Prometheus reads it.
      this.labelNames.forEach((n, i) => {
        if (values[i] !== '') labels[n] = values[i]!;
      });
      series = { labels, cell: this.newCell() };
      this.#series.set(key, series);
    }
    return series.cell;
  }

  /** Drops one series (a shard this worker no longer owns, a queue whose figures are unknown). */
  remove(values: readonly string[]): void {
    this.#series.delete(values.join('\u0000'));
  }

  /** Drops every series whose label values start with `prefix`. */
  removeMatching(prefix: readonly string[]): void {
    for (const [key, series] of this.#series) {
      if (prefix.every((v, i) => (series.labels[this.labelNames[i]!] ?? '') === v)) this.#series.delete(key);
    }
  }

  get seriesCount(): number {
    return this.#series.size;
  }

  /** prom-client's `registry.resetMetrics()`: every series back to zero (series are kept). */
  reset(): void {
    for (const { cell } of this.#series.values()) this.zeroCell(cell);
  }

  /** prom-client's read of a metric: `{ name, help, type, values, aggregator }`. */
  async get(): Promise<{ name: string; help: string; type: FamilyType; values: Sample[]; aggregator: Aggregator }> {
    if (this.collect !== undefined) await this.collect();
    const values: Sample[] = [];
    for (const { labels, cell } of this.#series.values()) this.samples(labels, cell, values);
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** Registers on `registry`, or returns the family of that name already there (another listener's). */
  static register<F extends Family<unknown>>(registry: Registry, family: F): F {
    const existing = registry.getSingleMetric(family.metricName) as unknown;
    if (existing === undefined) {
      registry.registerMetric(family as unknown as Parameters<Registry['registerMetric']>[0]);
      return family;
    }
    if (existing instanceof Family && existing.type === family.type && sameLabels(existing.labelNames, family.labelNames)) return existing as F;
    throw new Error(
      `[mqkit] [prometheus] the registry already has a metric named ${family.metricName} that is not mqkit's; use a registry of its own for mqkit, or remove that metric`,
    );
  }
}

function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
