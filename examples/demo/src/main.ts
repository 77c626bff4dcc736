import { createQueue, type PublishResult, type Queue } from '@mqkit/core';
import { memory } from '@mqkit/memory';
import { handleEmails, handleOrders, handleReports } from './processors.js';
import { Progress } from './progress.js';
import { DEADLINE_MS, PUBLISH_BATCH, RETRY, TOTAL_MESSAGES } from './settings.js';
import { readStore } from './store-check.js';
import { printSummary } from './summary.js';
import { Tally } from './tally.js';
import { buildWorkload, type Batch } from './workload.js';

/**
 * The demo: publish a mixed workload to three typed queues on the memory provider, consume it
 * with three settle styles, watch it through lifecycle events, then check that every message is
 * accounted for. Exit code 1 if anything does not add up.
 */
async function main(): Promise<number> {
  const { batches, expected } = buildWorkload(TOTAL_MESSAGES, PUBLISH_BATCH);
  const tally = new Tally();
  const queue = await createQueue({
    provider: memory(),
    lifecycle: [tally.listener()],
    onLifecycleError: (error, { event, listener }) => console.error(`listener ${listener} failed on ${event}:`, error),
  });

  queue.consume('orders', handleOrders, { concurrency: 4, batchSize: 32, retry: RETRY });
  queue.consume('emails', handleEmails, { concurrency: 2, batchSize: 64, retry: RETRY });
  queue.consume('reports', handleReports, { concurrency: 8, batchSize: 1, retry: RETRY });

  process.stderr.write(`publishing ${expected.published.toLocaleString('en-US')} messages in batches of ${PUBLISH_BATCH} to orders, emails and reports…\n`);
  const progress = new Progress(tally, expected.published);
  const startedAt = performance.now();
  for (const batch of batches) {
    await publish(queue, batch);
    // Let the event loop turn between batches, as a producer fed by I/O would: the consumers and
    // the progress timer share this thread.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const publishMs = performance.now() - startedAt;
  const settled = await tally.settledAt(expected.published, DEADLINE_MS);
  const totalMs = performance.now() - startedAt;
  progress.stop();
  if (!settled) console.error(`not every message was settled within ${DEADLINE_MS} ms`);

  const store = await readStore(queue);
  const ok = printSummary(tally, expected, store, { publishMs, totalMs });
  await queue.close({ timeoutMs: 5_000 });
  return settled && ok ? 0 : 1;
}

/** One switch arm per queue: each `publish` is checked against that queue's payload type. */
function publish(queue: Queue, batch: Batch): Promise<PublishResult> {
  switch (batch.queue) {
    case 'orders':
      return queue.publish('orders', batch.messages);
    case 'emails':
      return queue.publish('emails', batch.messages);
    case 'reports':
      return queue.publish('reports', batch.messages);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
