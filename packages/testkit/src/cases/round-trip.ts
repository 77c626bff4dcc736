import assert from 'node:assert/strict';
import { CAPABILITY_NAMES } from '@mqkit/core';
import { Deliveries, nextEvent, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { longLease, patience } from './common.js';

export const roundTripCases: ConformanceCase[] = [
  {
    name: 'a published message is delivered with its payload, type, headers, partitionKey and attempt 1',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('round-trip');
      const payload = { text: 'héllo', n: 42, ok: true, none: null, list: [1, 'two', { three: 3 }], nested: { deep: { x: -1.5 } } };
      const before = Date.now();
      const result = await queue.publish(name, { payload, type: 'order.created', headers: { traceId: 't-1', tenant: 'acme' }, partitionKey: 'pk-1' });
      const after = Date.now();
      assert.equal(result.ids.length, 1, 'publish returns one id per message');
      const id = result.ids[0]!;
      assert.equal(typeof id, 'string');
      assert.ok(id.length > 0, 'the id is not empty');
      assert.deepEqual(result.duplicates, [], 'nothing was suppressed');

      const seen = new Deliveries();
      const processed = nextEvent(queue.lifecycle, 'message.processed', (e) => e.messages.some((m) => m.id === id), patience(ctx));
      queue.consume(name, seen.processor(), { leaseMs: longLease(ctx), retry: { maxAttempts: 4 } });
      await processed;

      const [delivery] = seen.of(id);
      assert.ok(delivery, 'the message was delivered');
      const m = delivery.message;
      assert.equal(m.id, id);
      assert.equal(m.queue, name);
      assert.equal(m.type, 'order.created');
      assert.deepEqual(m.payload, payload);
      assert.deepEqual({ ...m.headers }, { traceId: 't-1', tenant: 'acme' });
      assert.equal(m.partitionKey, 'pk-1');
      assert.equal(m.attempt, 1, 'first delivery has attempt 1');
      assert.equal(m.maxAttempts, 4, "maxAttempts comes from the consumer's retry policy");
      assert.ok(m.createdAt >= before && m.createdAt <= after, `createdAt ${m.createdAt} is the publish time (${before}–${after})`);
      assert.equal(m.runAt, m.createdAt, 'an undelayed message is due when published');
      assert.equal(m.expiresAt, undefined);
      assert.equal(m.dedupeKey, undefined);
      await queue.close();
      assert.equal(seen.count(id), 1, 'delivered exactly once');
    },
  },
  {
    name: 'a message without options gets type "default", empty headers and keeps a publisher-given id',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('round-trip');
      const result = await queue.publish(name, [{ payload: 'plain' }, { payload: null, id: 'my-own-id-1' }]);
      assert.equal(result.ids.length, 2);
      assert.equal(result.ids[1], 'my-own-id-1', 'a publisher-given id is returned as is');
      const seen = new Deliveries();
      queue.consume(name, seen.processor(), { leaseMs: longLease(ctx) });
      await until(() => seen.ids().size === 2, patience(ctx), () => `both messages delivered (got ${seen.ids().size})`);
      const plain = seen.of(result.ids[0]!)[0]!.message;
      assert.equal(plain.type, 'default');
      assert.deepEqual({ ...plain.headers }, {});
      assert.equal(plain.payload, 'plain');
      assert.equal(plain.partitionKey, undefined);
      const own = seen.of('my-own-id-1')[0];
      assert.ok(own, 'the message with a publisher-given id is delivered under that id');
      assert.equal(own.message.payload, null, 'a null payload is allowed and kept');
    },
  },
  {
    name: 'a batch publish returns one distinct id per message, in input order',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('round-trip');
      const result = await queue.publish(name, Array.from({ length: 25 }, (_, i) => ({ payload: { i } })));
      assert.equal(result.ids.length, 25);
      assert.equal(new Set(result.ids).size, 25, 'ids are distinct');
      const seen = new Deliveries();
      queue.consume(name, seen.processor(), { batchSize: 10, leaseMs: longLease(ctx) });
      await until(() => seen.ids().size === 25, patience(ctx), () => `all 25 delivered (got ${seen.ids().size})`);
      result.ids.forEach((id, i) => assert.deepEqual(seen.of(id)[0]?.message.payload, { i }, `ids[${i}] is the id of input ${i}`));
      for (const d of seen.all) assert.equal(d.message.attempt, 1);
      const sizes = new Map<number, number>();
      for (const d of seen.all) sizes.set(d.batch, (sizes.get(d.batch) ?? 0) + 1);
      assert.ok([...sizes.values()].every((n) => n <= 10), `no batch is larger than batchSize 10 (sizes: ${[...sizes.values()].join(',')})`);
    },
  },
  {
    name: 'every queue reports the capabilities the target declares',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      for (const capability of CAPABILITY_NAMES) {
        assert.equal(typeof queue.capabilities[capability], 'boolean', `capabilities.${capability} is a boolean`);
      }
      assert.deepEqual({ ...queue.capabilities }, { ...ctx.target.capabilities }, 'queue.capabilities equals the target declaration');
    },
  },
];
