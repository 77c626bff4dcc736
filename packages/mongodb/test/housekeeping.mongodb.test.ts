// What keeps the collections small: acked messages leave at once; dedupe tombstones and dead
// letters past their time are deleted by the sweep (and by the TTL indexes, within about a minute).
import { deadLetter } from '@mqkit/core';
import { Deliveries, uniqueQueueName, until } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { named, reachable, uniqueDatabase } from './support/server.js';
import { open } from './support/open.js';

const server = await reachable();
const url = server.ok ? server.url : '';

describe.skipIf(!server.ok)(named('housekeeping on MongoDB', server), () => {
  it('acked messages leave the collection at once', async () => {
    const { queue, provider } = await open(url, uniqueDatabase('hot'));
    const name = uniqueQueueName('hot');
    await queue.publish(name, Array.from({ length: 300 }, (_, i) => ({ payload: i })));
    const seen = new Deliveries();
    queue.consume(name, seen.processor(), { batchSize: 50, concurrency: 2 });
    await until(() => seen.ids().size === 300, 10_000, 'all processed');
    await until(async () => (await provider.messages.countDocuments({})) === 0, 5_000, 'the collection is empty');
  });

  it("a dedupe key is held for the window after its ack (a tombstone), refused meanwhile, then free; the sweep deletes the tombstone", async () => {
    const { queue, provider } = await open(url, uniqueDatabase('window'), { dedupeWindowMs: 400, sweepIntervalMs: 50 });
    const name = uniqueQueueName('window');
    const first = await queue.publish(name, { payload: 1, dedupeKey: 'k' });
    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    await until(() => seen.count(first.ids[0]!) === 1, 5_000, 'processed');
    await until(async () => (await provider.messages.countDocuments({ tomb: true })) === 1, 5_000, 'its tombstone');
    expect((await queue.publish(name, { payload: 2, dedupeKey: 'k' })).duplicates).toEqual([{ index: 0, id: first.ids[0], dedupeKey: 'k' }]);
    await until(async () => (await provider.messages.countDocuments({ tomb: true })) === 0, 5_000, 'swept after the window');
    expect((await queue.publish(name, { payload: 3, dedupeKey: 'k' })).duplicates).toEqual([]);
  });

  it('dead letters past their retention are not listed and are deleted by the sweep; replay puts one back as attempt 1', async () => {
    const { queue, provider } = await open(url, uniqueDatabase('retention'), { deadLetterRetentionMs: 1_500, sweepIntervalMs: 50 });
    const name = uniqueQueueName('retention');
    await queue.publish(name, [{ payload: 'dead' }, { payload: 'replayed' }]);
    const seen = new Deliveries();
    // 'dead' always fails; 'replayed' only the first time it is seen (recorded before this runs)
    queue.consume(name, seen.processor(([m]) => (m!.payload === 'dead' || seen.count(m!.id) === 1 ? [deadLetter(new Error('no'))] : undefined)));
    await until(async () => (await queue.stats(name)).deadLettered === 2, 5_000, 'two dead letters');
    const [, second] = (await queue.deadLetters.list(name)).items;
    expect(await queue.deadLetters.replay(name, { ids: [second!.message.id] })).toEqual({ replayed: 1 });
    await until(() => seen.all.some((d) => d.message.payload === 'replayed' && d.message.attempt === 1 && seen.count(d.message.id) === 2), 5_000, 'replayed and processed');
    await until(async () => (await queue.stats(name)).deadLettered === 0, 5_000, 'the other is past its retention');
    await until(async () => (await provider.deadLetterDocs.countDocuments({})) === 0, 5_000, 'and deleted');
  });
});
