import assert from 'node:assert/strict';
import { Deliveries, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { longLease, patience } from './common.js';

const TOTAL = 200;
const yieldFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function assertExactlyOnce(seen: Deliveries, ids: readonly string[]): void {
  const dupes = seen.duplicates();
  assert.equal(dupes.size, 0, `no message is delivered twice inside its lease (duplicates: ${[...dupes].slice(0, 5).map(([id, n]) => `${id}×${n}`).join(', ')})`);
  const missing = ids.filter((id) => seen.count(id) === 0);
  assert.deepEqual(missing, [], 'every message is delivered');
}

export const concurrentConsumerCases: ConformanceCase[] = [
  {
    name: 'several consumers of one queue deliver every message exactly once when nothing fails',
    requires: ['concurrentConsumers'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('concurrent');
      const seen = new Deliveries();
      const processor = seen.processor(() => yieldFor(Math.floor(Math.random() * 2)));
      for (let i = 0; i < 3; i++) queue.consume(name, processor, { concurrency: 3, batchSize: 5, leaseMs: longLease(ctx) });
      const ids: string[] = [];
      for (let i = 0; i < TOTAL; i += 50) {
        const { ids: batch } = await queue.publish(name, Array.from({ length: 50 }, (_, j) => ({ payload: i + j })));
        ids.push(...batch);
      }
      await until(() => seen.ids().size === TOTAL, patience(ctx), () => `all ${TOTAL} delivered (got ${seen.ids().size})`);
      await queue.close();
      assertExactlyOnce(seen, ids);
      assert.ok(new Set(seen.all.map((d) => d.consumerId)).size > 1, 'the work was shared between consumers');
    },
  },
  {
    name: 'consumers on several queues of one world (several processes) share the messages without double delivery',
    requires: ['concurrentConsumers'],
    async run(ctx) {
      const queues = await Promise.all([1, 2, 3].map(() => ctx.world.createQueue()));
      const name = uniqueQueueName('concurrent');
      const seen = new Deliveries();
      const processor = seen.processor(() => yieldFor(Math.floor(Math.random() * 2)));
      for (const queue of queues) queue.consume(name, processor, { concurrency: 2, batchSize: 4, leaseMs: longLease(ctx) });
      const ids: string[] = [];
      for (let i = 0; i < TOTAL; i += 20) {
        const publisher = queues[(i / 20) % queues.length]!;
        const { ids: batch } = await publisher.publish(name, Array.from({ length: 20 }, (_, j) => ({ payload: i + j })));
        ids.push(...batch);
      }
      await until(() => seen.ids().size === TOTAL, patience(ctx), () => `all ${TOTAL} delivered (got ${seen.ids().size})`);
      await Promise.all(queues.map((q) => q.close()));
      assertExactlyOnce(seen, ids);
      assert.ok(new Set(seen.all.map((d) => d.consumerId)).size > 1, 'the work was shared between processes');
    },
  },
];
