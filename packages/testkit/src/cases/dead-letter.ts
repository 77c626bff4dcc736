import assert from 'node:assert/strict';
import { Deliveries, collectEvents, nextEvent, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { fastRetry, longLease, patience } from './common.js';

export const deadLetterCases: ConformanceCase[] = [
  {
    name: "a message that fails every attempt is dead-lettered with reason 'max-attempts' after maxAttempts deliveries",
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const log = collectEvents(queue.lifecycle);
      const name = uniqueQueueName('dead-letter');
      const { ids } = await queue.publish(name, { payload: 'doomed' });
      const id = ids[0]!;
      const seen = new Deliveries();
      const dead = nextEvent(queue.lifecycle, 'message.dead-lettered', (e) => e.message.id === id, patience(ctx));
      queue.consume(
        name,
        seen.processor(([m]) => {
          throw new Error(`failure #${m!.attempt}`);
        }),
        { leaseMs: longLease(ctx), retry: fastRetry(ctx, { maxAttempts: 3 }) },
      );
      const event = await dead;
      assert.equal(event.reason, 'max-attempts');
      assert.equal(event.message.attempt, 3, 'the dead letter carries its attempt count');
      assert.equal(event.error.message, 'failure #3', 'the last error is kept');
      assert.deepEqual(seen.of(id).map((d) => d.message.attempt), [1, 2, 3], 'delivered exactly maxAttempts times');
      const failed = log.of('message.failed').filter((e) => e.message.id === id);
      assert.deepEqual(failed.map((e) => e.willRetry), [true, true, false], 'message.failed says whether it comes back');
    },
  },
  {
    name: 'the dead-letter store keeps a dead letter with its attempt count, reason and last error',
    requires: ['deadLetterStore'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('dead-letter');
      const { ids } = await queue.publish(name, { payload: { order: 7 }, type: 'order.paid', headers: { traceId: 'x' } });
      const id = ids[0]!;
      const before = Date.now();
      const dead = nextEvent(queue.lifecycle, 'message.dead-lettered', (e) => e.message.id === id, patience(ctx));
      queue.consume(
        name,
        ([m]) => {
          const error = new Error(`failure #${m!.attempt}`) as Error & { code: string };
          error.code = 'E_TEST';
          throw error;
        },
        { leaseMs: longLease(ctx), retry: fastRetry(ctx, { maxAttempts: 2 }) },
      );
      await dead;
      const page = await queue.deadLetters.list(name);
      assert.equal(page.items.length, 1, 'one dead letter listed');
      assert.equal(page.next, undefined, 'a single page');
      const item = page.items[0]!;
      assert.equal(item.message.id, id);
      assert.deepEqual(item.message.payload, { order: 7 });
      assert.equal(item.message.type, 'order.paid');
      assert.deepEqual({ ...item.message.headers }, { traceId: 'x' });
      assert.equal(item.message.attempt, 2, 'the attempt count is kept');
      assert.equal(item.reason, 'max-attempts');
      assert.equal(item.error.message, 'failure #2', 'the last error is kept');
      assert.equal(item.error.name, 'Error');
      assert.equal(item.error.code, 'E_TEST', "the error's code is kept");
      assert.ok(item.deadLetteredAt >= before && item.deadLetteredAt <= Date.now(), 'deadLetteredAt is when it happened');
      const stats = await queue.stats(name);
      if (stats.deadLettered !== null) assert.equal(stats.deadLettered, 1, 'stats count the dead letter');
    },
  },
  {
    name: "a message's own maxAttempts overrides the consumer's retry policy",
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('dead-letter');
      const { ids } = await queue.publish(name, [{ payload: 'own', maxAttempts: 2 }, { payload: 'policy' }]);
      const [own, policy] = ids as [string, string];
      const seen = new Deliveries();
      const deadIds: string[] = [];
      queue.lifecycle.add({ 'message.dead-lettered': (e) => void deadIds.push(e.message.id) });
      queue.consume(
        name,
        seen.processor(() => {
          throw new Error('nope');
        }),
        { leaseMs: longLease(ctx), retry: fastRetry(ctx, { maxAttempts: 4 }) },
      );
      await until(() => deadIds.length === 2, patience(ctx), () => `both dead-lettered (${deadIds.length})`);
      assert.equal(seen.count(own), 2, 'the message with maxAttempts: 2 is delivered twice');
      assert.equal(seen.of(own)[0]!.message.maxAttempts, 2);
      assert.equal(seen.count(policy), 4, 'the other follows the policy (4)');
      assert.equal(seen.of(policy)[0]!.message.maxAttempts, 4);
    },
  },
];
