import assert from 'node:assert/strict';
import { PermanentError, retry } from '@mqkit/core';
import { Deliveries, collectEvents, nextEvent, uniqueQueueName } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { fastRetry, longLease, patience } from './common.js';

/** Runs one message through a processor that fails it with `fail()`; returns its deliveries and dead-letter event. */
async function failOnce(ctx: Parameters<ConformanceCase['run']>[0], fail: () => never, perMessage = false) {
  const queue = await ctx.world.createQueue();
  const log = collectEvents(queue.lifecycle);
  const name = uniqueQueueName('permanent');
  const { ids } = await queue.publish(name, { payload: 'bad data' });
  const id = ids[0]!;
  const seen = new Deliveries();
  const dead = nextEvent(queue.lifecycle, 'message.dead-lettered', (e) => e.message.id === id, patience(ctx));
  queue.consume(
    name,
    seen.processor((messages) => {
      if (!perMessage) fail();
      try {
        fail();
      } catch (error) {
        return messages.map(() => retry(error));
      }
    }),
    { leaseMs: longLease(ctx), retry: fastRetry(ctx, { maxAttempts: 5 }) },
  );
  const event = await dead;
  return { event, deliveries: seen.of(id), log, queue, name };
}

export const permanentErrorCases: ConformanceCase[] = [
  {
    name: "a PermanentError dead-letters the message on attempt 1 with reason 'permanent'",
    async run(ctx) {
      const { event, deliveries, log, queue, name } = await failOnce(ctx, () => {
        throw new PermanentError('invalid order');
      });
      assert.equal(event.reason, 'permanent');
      assert.equal(event.message.attempt, 1);
      assert.equal(event.error.name, 'PermanentError');
      assert.match(event.error.message, /invalid order/);
      assert.equal(deliveries.length, 1, 'never retried, whatever attempts were left');
      assert.equal(log.of('message.retried').length, 0);
      assert.deepEqual(log.of('message.failed').map((e) => e.willRetry), [false]);
      if (queue.capabilities.deadLetterStore) {
        const page = await queue.deadLetters.list(name);
        assert.equal(page.items[0]?.reason, 'permanent');
      }
    },
  },
  {
    name: "any error with retryable: false is treated as permanent",
    async run(ctx) {
      const { event, deliveries } = await failOnce(ctx, () => {
        throw Object.assign(new Error('card declined'), { retryable: false });
      });
      assert.equal(event.reason, 'permanent');
      assert.equal(event.message.attempt, 1);
      assert.equal(deliveries.length, 1);
    },
  },
  {
    name: 'a retry() outcome carrying a permanent error dead-letters instead of retrying',
    requires: ['perMessageSettle'],
    async run(ctx) {
      const { event, deliveries } = await failOnce(
        ctx,
        () => {
          throw new PermanentError('no point retrying');
        },
        true,
      );
      assert.equal(event.reason, 'permanent');
      assert.equal(deliveries.length, 1);
    },
  },
];
