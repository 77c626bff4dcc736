// stats() figures specific to memory: lagMs from the head of the ready list, parked messages counted as ready.
import type { Queue } from '@mqkit/core';
import { Deliveries, deferred, uniqueQueueName, until } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { holds, open, turns } from './support.js';

/** stats().lagMs, with the wall-clock interval it was measured in. */
async function lagOf(queue: Queue, name: string): Promise<{ lagMs: number; before: number; after: number }> {
  const before = Date.now();
  const { lagMs } = await queue.stats(name);
  const after = Date.now();
  expect(lagMs).not.toBeNull();
  return { lagMs: lagMs!, before, after };
}

describe('stats', () => {
  it('lagMs is 0 on an empty queue and grows with the age of the oldest ready message', async () => {
    const name = uniqueQueueName('lag');
    const queue = await open();
    expect((await lagOf(queue, name)).lagMs).toBe(0);

    const firstBefore = Date.now();
    await queue.publish(name, { payload: 'oldest' });
    const firstAfter = Date.now();
    await until(() => Date.now() - firstAfter >= 100, 5_000, 'the oldest message to age 100 ms');
    const secondBefore = Date.now();
    await queue.publish(name, { payload: 'newer' });
    await until(() => Date.now() - secondBefore >= 20, 5_000, 'the newer message to age a little');

    const aged = await lagOf(queue, name);
    expect(aged.lagMs, 'at least the age of the oldest message').toBeGreaterThanOrEqual(aged.before - firstAfter);
    expect(aged.lagMs, 'at most the age of the oldest message').toBeLessThanOrEqual(aged.after - firstBefore);
    expect(aged.lagMs).toBeGreaterThanOrEqual(100);
    await until(async () => (await lagOf(queue, name)).lagMs >= aged.lagMs + 30, 5_000, 'lagMs keeps growing while the message waits');

    await queue.pull(name, () => undefined); // takes the oldest: the newer one is now the oldest ready
    const after = await lagOf(queue, name);
    expect(after.lagMs, 'now the age of the newer message').toBeLessThanOrEqual(after.after - secondBefore);
    expect(after.lagMs, 'less than the pulled message would have by now').toBeLessThan(after.before - firstAfter);

    await queue.pull(name, () => undefined);
    expect((await lagOf(queue, name)).lagMs, 'empty again').toBe(0);
  });

  it('delayed messages add no lag until they are due', async () => {
    const name = uniqueQueueName('lag');
    const queue = await open();
    await queue.publish(name, { payload: 'later', delayMs: 3_600_000 });
    await turns();
    expect(await queue.stats(name)).toMatchObject({ ready: 0, delayed: 1, lagMs: 0 });
  });

  it('messages parked behind their partition key on an ordered queue count as ready', async () => {
    const name = uniqueQueueName('parked');
    const queue = await open();
    const release = deferred();
    holds.push(release);
    const seen = new Deliveries();
    queue.consume(
      name,
      seen.processor(() => release.promise),
      { ordered: true, concurrency: 2 }, // the second slot tries the key's later messages and parks them
    );
    await queue.publish(name, [
      { payload: 1, partitionKey: 'k' },
      { payload: 2, partitionKey: 'k' },
      { payload: 3, partitionKey: 'k' },
    ]);
    await until(() => seen.all.length >= 1, 5_000, 'the first message of the key in flight');
    await turns();
    expect(seen.all.length, 'the others wait for it').toBe(1);
    expect(await queue.stats(name)).toMatchObject({ ready: 2, delayed: 0, inFlight: 1 });
    release.resolve();
    await until(() => seen.all.length === 3, 5_000, 'all three delivered once the first is done');
    expect(seen.all.map((d) => d.message.payload)).toEqual([1, 2, 3]);
    await until(async () => (await queue.stats(name)).inFlight === 0, 5_000, 'all acked');
    expect(await queue.stats(name)).toMatchObject({ ready: 0, inFlight: 0 });
  });
});
