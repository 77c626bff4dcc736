// How idle consumers hear of work: a change stream on a replica set (resumed after it fails),
// polling with back-off on a standalone, a timer for the next due message.
import { Deliveries, delay, uniqueQueueName, until } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { named, reachable, uniqueDatabase } from './support/server.js';
import { open } from './support/open.js';

const server = await reachable();
const url = server.ok ? server.url : '';
const replicaSet = server.ok && server.replicaSet;

describe.skipIf(!server.ok)(named('wake-up on MongoDB', server), () => {
  it.skipIf(!replicaSet)(`an idle consumer gets a message another process published within a second (change stream), not at its 10 s backstop${replicaSet ? '' : ' — skipped: the server is a standalone (change streams need a replica set)'}`, async () => {
    const database = uniqueDatabase('stream');
    const { queue: consumer, provider } = await open(url, database, { pollIntervalMs: 10_000 });
    const { queue: producer } = await open(url, database, { wakeUp: 'poll' });
    expect(provider.polling).toBe(false);
    const name = uniqueQueueName('stream');
    const seen = new Deliveries();
    consumer.consume(name, seen.processor());
    await delay(300);
    const sent = Date.now();
    const { ids } = await producer.publish(name, { payload: 'wake up' });
    await until(() => seen.count(ids[0]!) === 1, 5_000, 'delivered');
    expect(seen.of(ids[0]!)[0]!.at - sent).toBeLessThan(1_000);
  });

  it.skipIf(!replicaSet)(`the change stream's cursor killed on the server: it resumes after its token and consumers are woken at once again${replicaSet ? '' : ' — skipped: the server is a standalone'}`, async () => {
    const database = uniqueDatabase('resume');
    const { queue, client } = await open(url, database, { pollIntervalMs: 10_000 });
    const { queue: producer } = await open(url, database, { wakeUp: 'poll' });
    const name = uniqueQueueName('resume');
    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    await delay(300);
    const ops = (await client.db('admin').command({ currentOp: true, $all: true })) as { inprog: Array<{ opid: unknown; cursor?: { originatingCommand?: { pipeline?: unknown[] } } }> };
    const streams = ops.inprog.filter((op) => JSON.stringify(op.cursor?.originatingCommand?.pipeline ?? []).includes('$changeStream'));
    for (const op of streams) await client.db('admin').command({ killOp: 1, op: op.opid });
    await delay(500);
    const sent = Date.now();
    const { ids } = await producer.publish(name, { payload: 'after the kill' });
    await until(() => seen.count(ids[0]!) === 1, 8_000, 'delivered');
    expect(seen.of(ids[0]!)[0]!.at - sent).toBeLessThan(3_000);
  });

  it('polling: an idle consumer looks again with back-off (25 ms doubling to pollIntervalMs) and finds a message from another process', async () => {
    const database = uniqueDatabase('poll');
    const { queue, provider } = await open(url, database, { wakeUp: 'poll', pollIntervalMs: 200 });
    const { queue: producer } = await open(url, database, { wakeUp: 'poll' });
    expect(provider.polling).toBe(true);
    const name = uniqueQueueName('poll');
    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    await delay(1_000);
    const { ids } = await producer.publish(name, { payload: 'found by polling' });
    await until(() => seen.count(ids[0]!) === 1, 2_000, 'delivered by a poll');
  });

  it('a delayed message is delivered when it comes due, by a timer (no insert event, no poll in between)', async () => {
    const { queue } = await open(url, uniqueDatabase('timer'), { pollIntervalMs: 10_000 });
    const name = uniqueQueueName('timer');
    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    await delay(200);
    const sent = Date.now();
    const { ids } = await queue.publish(name, { payload: 'later', delayMs: 400 });
    await until(() => seen.count(ids[0]!) === 1, 5_000, 'delivered when due');
    const at = seen.of(ids[0]!)[0]!.at - sent;
    expect(at).toBeGreaterThanOrEqual(380);
    expect(at).toBeLessThan(1_500);
  });
});
