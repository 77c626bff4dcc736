import assert from 'node:assert/strict';
import { Deliveries, collectEvents, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { longLease, patience } from './common.js';

export const dedupeCases: ConformanceCase[] = [
  {
    name: 'a second publish with the same dedupeKey is reported in duplicates with the kept id, and the message is processed once',
    requires: ['dedupe'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const log = collectEvents(queue.lifecycle);
      const name = uniqueQueueName('dedupe');
      const first = await queue.publish(name, { payload: { v: 1 }, dedupeKey: 'order-1' });
      assert.deepEqual(first.duplicates, []);
      const kept = first.ids[0]!;
      const second = await queue.publish(name, [{ payload: { v: 2 }, dedupeKey: 'other' }, { payload: { v: 3 }, dedupeKey: 'order-1' }]);
      assert.equal(second.ids.length, 2, 'one id per input, duplicates included');
      assert.deepEqual(second.duplicates, [{ index: 1, id: kept, dedupeKey: 'order-1' }], 'the duplicate is reported with its index and the kept id');
      assert.equal(second.ids[1], kept, 'ids[i] of a duplicate is the kept id');
      assert.notEqual(second.ids[0], kept);
      const published = log.of('message.published');
      assert.equal(published[1]?.duplicates, 1, 'message.published counts the suppressed one');
      assert.deepEqual(published[1]?.messages.map((m) => m.id), [second.ids[0]], 'and lists only what was stored');

      const seen = new Deliveries();
      queue.consume(name, seen.processor(), { leaseMs: longLease(ctx) });
      await until(() => seen.ids().size === 2, patience(ctx), 'both stored messages delivered');
      await queue.close();
      assert.equal(seen.count(kept), 1, 'the deduplicated message is processed once');
      assert.deepEqual(seen.of(kept)[0]!.message.payload, { v: 1 }, 'the first publish wins');
      assert.equal(seen.of(kept)[0]!.message.dedupeKey, 'order-1');
      assert.equal(seen.all.length, 2);
    },
  },
  {
    name: 'two messages with one dedupeKey in a single batch are stored once',
    requires: ['dedupe'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('dedupe');
      const result = await queue.publish(name, [{ payload: 'a', dedupeKey: 'k' }, { payload: 'b', dedupeKey: 'k' }, { payload: 'c' }]);
      assert.deepEqual(result.duplicates, [{ index: 1, id: result.ids[0], dedupeKey: 'k' }]);
      assert.equal(result.ids[1], result.ids[0]);
      const seen = new Deliveries();
      queue.consume(name, seen.processor(), { leaseMs: longLease(ctx) });
      await until(() => seen.ids().size === 2, patience(ctx), 'the two stored messages delivered');
      await queue.close();
      assert.deepEqual(seen.all.map((d) => d.message.payload).sort(), ['a', 'c']);
    },
  },
  {
    name: 'the same dedupeKey on two different queues does not collide',
    requires: ['dedupe'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const a = await queue.publish(uniqueQueueName('dedupe-a'), { payload: 1, dedupeKey: 'shared' });
      const b = await queue.publish(uniqueQueueName('dedupe-b'), { payload: 2, dedupeKey: 'shared' });
      assert.deepEqual(a.duplicates, []);
      assert.deepEqual(b.duplicates, [], 'dedupe is per queue');
      assert.notEqual(a.ids[0], b.ids[0]);
    },
  },
];
