import fastq from 'fastq';
import type { RunResult } from './result.js';

/** The same no-op work as the memory bench's processor. */
const noop = async (_task: number): Promise<void> => {};

/**
 * The practical ceiling: a bare in-process `fastq.promise` queue running the no-op worker, fed
 * `feed` tasks at a time (push them, wait until drained, push the next lot). No ids, leases,
 * settlement, events or latency recording.
 */
export async function runFastq(concurrency: number, n: number, feed: number): Promise<RunResult> {
  const queue = fastq.promise(noop, concurrency);
  const startedAt = performance.now();
  for (let sent = 0; sent < n; sent += feed) {
    const size = Math.min(feed, n - sent);
    for (let i = 0; i < size; i++) void queue.push(sent + i);
    await queue.drained();
  }
  const ms = performance.now() - startedAt;
  return { n, ms, rate: (n * 1000) / ms, p50: Number.NaN, p99: Number.NaN };
}
