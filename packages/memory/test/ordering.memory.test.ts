// Memory's ordering switch: the first consumer asking ordered: true turns ordering on for that queue on the broker, for good.
import { createQueue, type Queue } from '@mqkit/core';
import { Deliveries, deferred, uniqueQueueName, until, type Deferred } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { MemoryBroker, memory } from '../src/index.js';
import { holds, opened, turns } from './support.js';

async function join(broker: MemoryBroker): Promise<Queue> {
  const queue = await createQueue({ provider: memory({ broker }) });
  opened.push(queue);
  return queue;
}

/** A consumer (not ordered) whose processor holds every message until the test releases it. */
function holdingConsumer(queue: Queue, name: string): { seen: Deliveries; releaseNext: () => void } {
  const seen = new Deliveries();
  const waiting: Deferred[] = [];
  queue.consume(
    name,
    seen.processor(() => {
      const d = deferred();
      holds.push(d);
      waiting.push(d);
      return d.promise;
    }),
    { concurrency: 3 },
  );
  return { seen, releaseNext: () => waiting.shift()?.resolve() };
}

const keyed = (n: number): Array<{ payload: number; partitionKey: string }> => Array.from({ length: n }, (_, i) => ({ payload: i, partitionKey: 'k' }));

describe('ordering is a property of the queue on the broker', () => {
  it('once one consumer asks for ordered: true, every consumer of that queue on the broker gets one message per partition key at a time, even after that consumer stopped', async () => {
    const broker = new MemoryBroker();
    const name = uniqueQueueName('ordered');
    const asker = await join(broker);
    await asker.consume(name, () => undefined, { ordered: true }).stop();

    const other = await join(broker); // another provider on the broker, with a consumer that does not ask for ordering
    const { seen, releaseNext } = holdingConsumer(other, name);
    await other.publish(name, keyed(3));
    await until(() => seen.all.length >= 1, 5_000, 'the first message of the key delivered');
    await turns(10);
    expect(seen.all.length, 'one message of the key at a time, though 3 slots are free').toBe(1);
    for (let n = 2; n <= 3; n++) {
      releaseNext();
      await until(() => seen.all.length >= n, 5_000, `message ${n} of the key delivered once the previous one is done`);
      await turns(10);
      expect(seen.all.length).toBe(n);
    }
    expect(seen.all.map((d) => d.message.payload)).toEqual([0, 1, 2]);
  });

  it('a queue no consumer asked to order delivers the messages of one key concurrently, on the same broker', async () => {
    const broker = new MemoryBroker();
    const orderedName = uniqueQueueName('ordered');
    const plainName = uniqueQueueName('plain');
    const asker = await join(broker);
    await asker.consume(orderedName, () => undefined, { ordered: true }).stop();

    const other = await join(broker);
    const { seen } = holdingConsumer(other, plainName);
    await other.publish(plainName, keyed(3));
    await until(() => seen.all.length === 3, 5_000, 'all three messages of the key in flight at once');
  });

  it('on an ordered queue, messages without a partition key are not held back', async () => {
    const broker = new MemoryBroker();
    const name = uniqueQueueName('ordered');
    const queue = await join(broker);
    await queue.consume(name, () => undefined, { ordered: true }).stop(); // switches the queue to ordered
    const { seen } = holdingConsumer(queue, name);
    await queue.publish(name, [{ payload: 'a' }, { payload: 'b' }, { payload: 'c' }]);
    await until(() => seen.all.length === 3, 5_000, 'all three unkeyed messages in flight at once');
  });

  it('an ordered claim carries at most one message per partition key (memory is stricter than the capability, which allows several in order)', async () => {
    const queue = await join(new MemoryBroker());
    const name = uniqueQueueName('one-per-key');
    await queue.publish(name, [...keyed(4), ...keyed(4).map((m) => ({ ...m, partitionKey: 'j' }))]);
    const batches: string[][] = [];
    queue.consume(name, (messages) => void batches.push(messages.map((m) => m.partitionKey!)), { ordered: true, batchSize: 8 });
    await until(() => batches.flat().length === 8, 2_000, 'all delivered');
    for (const batch of batches) expect(new Set(batch).size).toBe(batch.length);
  });
});
