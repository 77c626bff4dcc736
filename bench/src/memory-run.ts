import { createQueue, type LifecycleListener, type Processor } from '@mqkit/core';
import { memory } from '@mqkit/memory';
import { prometheusMetrics } from '@mqkit/prometheus';
import { Registry } from 'prom-client';
// The demo's histogram, so the demo and the bench measure latency the same way.
import { Histogram } from '@mqkit/example-demo/histogram';
import type { RunResult } from './result.js';
import type { Feed } from './settings.js';

export interface MemoryCase {
  readonly batchSize: number;
  readonly concurrency: number;
  /** Also attach @mqkit/prometheus's listener (on a registry of the run's own, scraped once at the end). */
  readonly metrics?: boolean;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The work under test: nothing. Returning nothing acks the whole batch. */
const noop: Processor = async () => {};

/**
 * One end-to-end run on a fresh queue, every feature on: leased claims (default lease and
 * timeout, so a renewal/deadline timer per claim), outcomes (the processor's void result means
 * ack), lifecycle dispatch with a listener counting `message.processed` and recording each
 * message's publish→processed latency. A producer publishes `n` messages in batches of
 * `publishBatch`, awaiting each publish, and is fed like the fastq run (see `Feed`): `paced`
 * waits until a batch has been processed before publishing the next, `flood` only lets the event
 * loop turn between batches. The clock runs from the first publish to the event that reports the
 * n-th processed message.
 */
export async function runMemory(c: MemoryCase, n: number, publishBatch: number, feed: Feed): Promise<RunResult> {
  const latency = new Histogram();
  let processed = 0;
  /** When the listener saw the n-th processed message: the end of the run. */
  let finishedAt = 0;
  let wanted = n;
  let reached: (() => void) | undefined;
  const counter: LifecycleListener = {
    name: 'bench-counter',
    'message.processed': ({ messages, at }) => {
      for (let i = 0; i < messages.length; i++) latency.record(at - messages[i]!.createdAt);
      processed += messages.length;
      if (processed >= n && finishedAt === 0) finishedAt = performance.now();
      if (reached !== undefined && processed >= wanted) {
        const resolve = reached;
        reached = undefined;
        resolve();
      }
    },
  };
  /** Resolves once `count` messages have been processed. */
  const processedUpTo = (count: number): Promise<void> =>
    new Promise((resolve) => {
      if (processed >= count) return resolve();
      wanted = count;
      reached = resolve;
    });
  const registry = c.metrics ? new Registry() : undefined;
  const lifecycle = registry ? [counter, prometheusMetrics({ system: 'memory', registry, queues: ['bench'] })] : [counter];
  const queue = await createQueue({ provider: memory(), lifecycle });
  queue.consume('bench', noop, { batchSize: c.batchSize, concurrency: c.concurrency });

  const startedAt = performance.now();
  for (let sent = 0; sent < n; sent += publishBatch) {
    const size = Math.min(publishBatch, n - sent);
    const batch = new Array<{ payload: { seq: number } }>(size);
    for (let i = 0; i < size; i++) batch[i] = { payload: { seq: sent + i } };
    await queue.publish('bench', batch);
    // paced: the next lot once this one is processed, as the fastq run waits for `drained()`.
    // flood: a producer fed by I/O, which lets the event loop turn and does not wait; a loop that
    // never yields would starve the consumers in this process until the queue's capacity stops it.
    if (feed === 'paced') await processedUpTo(sent + size);
    else await turn();
  }
  await processedUpTo(n);
  await queue.close({ timeoutMs: 5_000 });
  if (registry) await checkScrape(registry, n);
  if (processed !== n) throw new Error(`memory ${c.batchSize}x${c.concurrency}: processed ${processed} of ${n}`);
  const ms = finishedAt - startedAt;
  return { n, ms, rate: (n * 1000) / ms, p50: latency.percentile(50), p99: latency.percentile(99) };
}

/** The listener must have seen every message: a bench of a listener that drops events would flatter it. */
async function checkScrape(registry: Registry, n: number): Promise<void> {
  const text = await registry.metrics();
  const acked = /^mqkit_messages_settled_total\{[^}]*outcome="ack"\} (\d+)$/m.exec(text)?.[1];
  if (Number(acked) !== n) throw new Error(`prometheus listener counted ${acked} acks of ${n}`);
}
