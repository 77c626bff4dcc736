import type { PgSystem } from './system.js';

/** Batch publish of `n` jobs: jobs/s. */
export async function measurePublish(system: PgSystem, n: number, batch: number): Promise<number> {
  const started = performance.now();
  await system.publish(n, batch);
  return (n / (performance.now() - started)) * 1_000;
}

/** Workers over `n` pre-published jobs: jobs/s from their start to the n-th job's handler. */
export async function measureProcessing(system: PgSystem, n: number): Promise<number> {
  let seen = 0;
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  const started = performance.now();
  await system.startWorkers(() => {
    if (++seen === n) done();
  });
  await all;
  const rate = (n / (performance.now() - started)) * 1_000;
  await system.stopWorkers();
  return rate;
}

/** Publishes one job every 1000/rate ms for `ms`, with workers running: publish call → handler start, in ms. */
export async function measureLatency(system: PgSystem, rate: number, ms: number): Promise<{ p50: number; p99: number }> {
  const latencies: number[] = [];
  const sent = new Map<number, number>();
  await system.startWorkers(({ seq }) => {
    const at = sent.get(seq);
    if (at !== undefined) latencies.push(performance.now() - at);
  });
  await new Promise((resolve) => setTimeout(resolve, 500)); // workers idle and listening
  const count = Math.round((rate * ms) / 1_000);
  for (let i = 0; i < count; i++) {
    const due = i * (1_000 / rate);
    const wait = due - (performance.now() - start0(i));
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sent.set(i, performance.now());
    await system.publishOne(i);
  }
  const end = Date.now() + 5_000;
  while (latencies.length < count && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 10));
  await system.stopWorkers();
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

let origin = 0;
function start0(i: number): number {
  if (i === 0) origin = performance.now();
  return origin;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
