// A consumer draining a deep queue with a fast processor must not starve the process's timers and I/O.
import { uniqueQueueName, until } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { open } from './support.js';

describe('event loop fairness', () => {
  it('a timer set when a fast consumer starts on 200,000 queued messages fires before the queue is drained', async () => {
    const total = 200_000;
    const queue = await open();
    const name = uniqueQueueName('fairness');
    const batch = Array.from({ length: 10_000 }, (_, i) => ({ payload: i }));
    for (let i = 0; i < total / batch.length; i++) await queue.publish(name, batch);
    let processed = 0;
    let processedWhenTimerFired: number | undefined;
    queue.consume(
      name,
      (messages) => {
        processed += messages.length;
      },
      { batchSize: 64, concurrency: 4 },
    );
    setTimeout(() => (processedWhenTimerFired = processed), 0);
    await until(() => processed === total, 20_000, () => `all ${total} processed (got ${processed})`);
    expect(processedWhenTimerFired, 'the timer fired at all').toBeDefined();
    expect(processedWhenTimerFired!, 'the timer fired while messages were still being drained').toBeLessThan(total);
  });
});
