import { Lifecycle, type Message } from '@mqkit/core';
import { Registry } from 'prom-client';
import { prometheusMetrics, type PrometheusMetrics, type PrometheusMetricsOptions } from '../src/index.js';

export const SYSTEM = 'memory';

/** One parsed exposition: `name{k="v",…}` (labels sorted) → value. */
export type Scrape = ReadonlyMap<string, number>;

export function seriesKey(name: string, labels: Record<string, string | number> = {}): string {
  const parts = Object.entries(labels)
    .map(([k, v]) => `${k}="${String(v)}"`)
    .sort();
  return parts.length > 0 ? `${name}{${parts.join(',')}}` : name;
}

/** Parses prom-client's text exposition (the label values used in these tests need no unescaping). */
export function parseExposition(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').match(/[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"/g) ?? []) {
      const eq = pair.indexOf('=');
      labels[pair.slice(0, eq)] = pair.slice(eq + 2, -1);
    }
    out.set(seriesKey(match[1]!, labels), Number(match[3]));
  }
  return out;
}

export async function scrape(registry: Registry): Promise<Map<string, number>> {
  return parseExposition(await registry.metrics());
}

/** A series' value in a scrape, with the base labels of `queue` added; undefined when absent. */
export function valueOf(s: Scrape, name: string, labels: Record<string, string | number> = {}, queue = 'q'): number | undefined {
  return s.get(seriesKey(name, { messaging_system: SYSTEM, messaging_destination_name: queue, ...labels }));
}

/** Every series of a family (its `_bucket`/`_sum`/`_count` too). */
export function seriesOf(s: Scrape, name: string): string[] {
  return [...s.keys()].filter((k) => k === name || k.startsWith(`${name}{`) || k.startsWith(`${name}_bucket`) || k.startsWith(`${name}_sum`) || k.startsWith(`${name}_count`));
}

export interface Harness {
  readonly registry: Registry;
  readonly metrics: PrometheusMetrics;
  readonly lifecycle: Lifecycle;
  readonly failures: unknown[];
  scrape(): Promise<Map<string, number>>;
}

/** A listener on its own registry, added to a core Lifecycle the test emits on directly. */
export function harness(options: Partial<PrometheusMetricsOptions> = {}): Harness {
  const registry = new Registry();
  const metrics = prometheusMetrics({ system: SYSTEM, registry, ...options });
  const failures: unknown[] = [];
  const lifecycle = new Lifecycle({ onError: (error) => failures.push(error) });
  lifecycle.add(metrics);
  return { registry, metrics, lifecycle, failures, scrape: () => scrape(registry) };
}

let seq = 0;

/** A delivered message, as a provider hands it out (a new object per delivery). */
export function message(overrides: Partial<Message> = {}): Message {
  const now = 1_700_000_000_000;
  return {
    id: `m-${++seq}`,
    queue: 'q',
    type: 'default',
    payload: {},
    createdAt: now,
    runAt: now,
    expiresAt: undefined,
    attempt: 1,
    maxAttempts: 5,
    partitionKey: undefined,
    dedupeKey: undefined,
    headers: {},
    ...overrides,
  };
}

export const T0 = 1_700_000_000_000;
