import fastq from 'fastq';
import type { RunResult } from './result.js';
import type { Feed } from './settings.js';

/** The same no-op work as the memory bench's processor. */
const noop = async (_task: number): Promise<void> => {};

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The practical ceiling: a bare in-process `fastq.promise` queue running the no-op worker, fed
 * `feed` tasks at a time like the memory run: `paced` pushes a lot and waits until it is drained,
 * `flood` lets the event loop turn between lots and waits once at the end. No ids, leases,
 * settlement, events or latency recording.
 */
export async function runFastq(concurrency: number, n: number, lot: number, feed: Feed): Promise<RunResult> {
  const queue = fastq.promise(noop, concurrency);
  const startedAt = performance.now();
  for (let sent = 0; sent < n; sent += lot) {
    const size = Math.min(lot, n - sent);
    for (let i = 0; i < size; i++) void queue.push(sent + i);
    if (feed === 'paced') await queue.drained();
    else await turn();
  }
  await queue.drained();
  const ms = performance.now() - startedAt;
  return { n, ms, rate: (n * 1000) / ms, p50: Number.NaN, p99: Number.NaN };
}
