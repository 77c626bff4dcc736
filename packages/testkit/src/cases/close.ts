import assert from 'node:assert/strict';
import { ErrorCode } from '@mqkit/core';
import { Deliveries, assertMqkitError, collectEvents, deferred, nextEvent, uniqueQueueName, until, within } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { longLease, patience } from './common.js';

const closed = { name: 'ClosedError', code: ErrorCode.Closed };

export const closeCases: ConformanceCase[] = [
  {
    name: 'close() is idempotent: two calls return the same promise, which resolves',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      await queue.publish(uniqueQueueName('close'), { payload: 1 });
      const first = queue.close();
      const second = queue.close();
      assert.equal(first, second, 'the same promise');
      await within(first, patience(ctx), 'close() to resolve');
      assert.equal(queue.close(), first, 'also after it resolved');
    },
  },
  {
    name: "close() while consuming lets in-flight work finish and stops the consumer with reason 'close'",
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('close');
      const { ids } = await queue.publish(name, { payload: 'in flight' });
      const hold = deferred();
      const seen = new Deliveries();
      const consumer = queue.consume(name, seen.processor(() => hold.promise), { leaseMs: longLease(ctx) });
      const idle = queue.consume(uniqueQueueName('close-idle'), () => undefined, { leaseMs: longLease(ctx) });
      await until(() => seen.count(ids[0]!) === 1, patience(ctx), 'the message is in flight');
      const processed = nextEvent(queue.lifecycle, 'message.processed', undefined, patience(ctx));
      const closing = queue.close({ timeoutMs: ctx.ms(5_000) });
      hold.resolve();
      await within(closing, patience(ctx), 'close() to resolve');
      await processed;
      assert.equal(await consumer.stopped, 'close');
      assert.equal(await idle.stopped, 'close', 'an idle consumer (waiting for messages) stops too');
      assert.equal(consumer.state, 'stopped');
    },
  },
  {
    name: 'publish, consume, pull, stats and deadLetters after close() throw ClosedError',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('closed');
      const closing = queue.close();
      await assertMqkitError(() => queue.consume(name, () => undefined), closed, 'consume while closing');
      await closing;
      await assertMqkitError(() => queue.publish(name, { payload: 1 }), closed, 'publish after close');
      await assertMqkitError(() => queue.consume(name, () => undefined), closed, 'consume after close');
      await assertMqkitError(() => queue.pull(name, () => undefined), closed, 'pull after close');
      await assertMqkitError(() => queue.stats(name), closed, 'stats after close');
      await assertMqkitError(() => queue.deadLetters.list(name), closed, 'deadLetters.list after close');
    },
  },
  {
    name: 'a processor that publishes while close() drains it succeeds: its message is acked, not dead-lettered',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('close-drain');
      const followUps = uniqueQueueName('close-follow-up');
      const { ids } = await queue.publish(name, { payload: 'in flight' });
      const closingStarted = deferred();
      const seen = new Deliveries();
      let published: string[] | undefined;
      queue.consume(
        name,
        seen.processor(async () => {
          await closingStarted.promise;
          published = [...(await queue.publish(followUps, { payload: 'follow-up' })).ids];
        }),
        { leaseMs: longLease(ctx) },
      );
      const log = collectEvents(queue.lifecycle);
      await until(() => seen.count(ids[0]!) === 1, patience(ctx), 'the message is in flight');
      const closing = queue.close({ timeoutMs: ctx.ms(5_000) });
      closingStarted.resolve();
      await within(closing, patience(ctx), 'close() to resolve');
      assert.equal(published?.length, 1, 'the follow-up publish was accepted');
      const settled = log.typesFor(ids[0]!).filter((t) => t === 'message.processed' || t === 'message.dead-lettered');
      assert.deepEqual(settled, ['message.processed']);
    },
  },
];
