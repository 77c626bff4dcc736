import { ConfigError, optionalInt, rejectUnknownKeys, requireObject, systemClock, validateQueueName, type Clock } from '@mqkit/core';
import { Registry as PromRegistry, type RegistryContentType } from 'prom-client';

type Registry = PromRegistry<RegistryContentType>;

export interface PrometheusMetricsOptions {
  /**
   * The `messaging_system` label: the provider's name (`provider.name`: `'memory'`, `'prisma'`,
   * `'kinesis'`, …). Required: lifecycle events do not say which provider raised them.
   */
  readonly system: string;
  /**
   * The prom-client registry to register on. Default: a new `Registry` of this listener's own
   * (`metrics.registry`), never prom-client's global one. Several listeners may share one registry
   * (one per queue object): they share the metric families.
   */
  readonly registry?: Registry;
  /** Queues whose series exist (at zero) from the start, before any event. Default: none; a queue's series appear with its first event. */
  readonly queues?: readonly string[];
  /** `queue.stats()` figures are reused for this long between scrapes (ms). Default 1000. */
  readonly statsCacheMs?: number;
  /** A scrape waits at most this long for one queue's `stats()` (ms); a slower call counts as an error. Default 2000. */
  readonly statsTimeoutMs?: number;
  /** Most distinct values of each label that comes from outside (error_type, operation, listener); later ones are `_OTHER`. Default 50. */
  readonly maxLabelValues?: number;
  /** Time source for durations measured by the listener (publish, settle). Pass the queue's `clock` if you inject one. Default `Date.now`. */
  readonly clock?: Clock;
  /** The listener's name in lifecycle error reports and in `mqkit_listener_errors_total`. Default `'prometheus'`. */
  readonly name?: string;
}

export interface ResolvedOptions {
  readonly system: string;
  readonly registry: Registry;
  readonly queues: readonly string[];
  readonly statsCacheMs: number;
  readonly statsTimeoutMs: number;
  readonly maxLabelValues: number;
  readonly clock: Clock;
  readonly name: string;
}

const KEYS = ['system', 'registry', 'queues', 'statsCacheMs', 'statsTimeoutMs', 'maxLabelValues', 'clock', 'name'];
const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

export function resolveOptions(input: unknown): ResolvedOptions {
  const o = requireObject(input, 'prometheus options', "call prometheusMetrics({ system: provider.name, registry })");
  rejectUnknownKeys(o, 'prometheus', KEYS);
  const system = nameOption(o.system, 'prometheus.system', undefined, "pass the provider's name: prometheusMetrics({ system: provider.name })");
  if (o.registry !== undefined && !isRegistry(o.registry)) {
    throw new ConfigError('prometheus.registry', 'is not a prom-client Registry', "pass new Registry() from 'prom-client', or leave it out");
  }
  let queues: string[] = [];
  if (o.queues !== undefined) {
    if (!Array.isArray(o.queues)) throw new ConfigError('prometheus.queues', 'expected an array of queue names', "pass queues: ['orders', …] or leave it out");
    queues = o.queues.map((q: unknown, i) => {
      try {
        return validateQueueName(q, `prometheus.queues[${i}]`);
      } catch {
        throw new ConfigError(`prometheus.queues[${i}]`, 'is not a valid queue name', 'use 1–128 letters, digits, ".", "_", ":" or "-"');
      }
    });
  }
  const clock = o.clock ?? systemClock;
  if (typeof (clock as Partial<Clock>).now !== 'function') throw new ConfigError('prometheus.clock', 'expected an object with now()', 'pass the clock given to createQueue, or leave it out');
  return {
    system,
    registry: (o.registry) ?? new PromRegistry(),
    queues,
    statsCacheMs: optionalInt(o.statsCacheMs, 'prometheus.statsCacheMs', 0, 1000),
    statsTimeoutMs: optionalInt(o.statsTimeoutMs, 'prometheus.statsTimeoutMs', 1, 2000, 60_000),
    maxLabelValues: optionalInt(o.maxLabelValues, 'prometheus.maxLabelValues', 1, 50, 10_000),
    clock: clock as Clock,
    name: nameOption(o.name, 'prometheus.name', 'prometheus', "use letters, digits, '.', '_', ':' or '-'"),
  };
}

function nameOption(value: unknown, field: string, fallback: string | undefined, fix: string): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new ConfigError(field, `expected a name of 1–64 letters, digits, '.', '_', ':' or '-', got ${value === undefined ? 'nothing' : JSON.stringify(value)}`, fix);
  }
  return value;
}

/** Duck-typed: the application's prom-client may be another copy than the one this package resolves. */
function isRegistry(value: unknown): value is Registry {
  const r = value as Partial<Registry> | null;
  return typeof r === 'object' && r !== null && typeof r.registerMetric === 'function' && typeof r.getSingleMetric === 'function' && typeof r.metrics === 'function';
}
