import assert from 'node:assert/strict';
import type { LifecycleEventName } from '@mqkit/core';
import { Deliveries, collectEvents, nextEvent, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { fastRetry, longLease, patience } from './common.js';

export const lifecycleCases: ConformanceCase[] = [
  {
    name: 'one message raises message.published, message.received, message.processed, in that order',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const log = collectEvents(queue.lifecycle);
      const name = uniqueQueueName('events');
      // The consumer waits first, as in production: the event order must hold even when the
      // message is handed out the moment it is stored.
      queue.consume(name, () => undefined, { leaseMs: longLease(ctx) });
      const { ids } = await queue.publish(name, { payload: 'observed', type: 'thing.happened' });
      const id = ids[0]!;
      await until(() => log.typesFor(id).includes('message.processed'), patience(ctx), 'message.processed');
      assert.deepEqual(log.typesFor(id), ['message.published', 'message.received', 'message.processed']);
      const published = log.of('message.published')[0]!;
      assert.equal(published.queue, name);
      assert.equal(published.duplicates, 0);
      assert.deepEqual(published.messages.map((m) => [m.id, m.type]), [[id, 'thing.happened']]);
      const processed = log.of('message.processed')[0]!;
      assert.ok(processed.durationMs >= 0);
      assert.equal(processed.queue, name);
      for (const e of log.events) assert.equal(typeof e.at, 'number', `${e.type} has a timestamp`);
    },
  },
  {
    name: 'a failing message raises received, failed, retried, … then failed and dead-lettered, in that order',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const log = collectEvents(queue.lifecycle);
      const name = uniqueQueueName('events');
      const { ids } = await queue.publish(name, { payload: 'fails' });
      const id = ids[0]!;
      const dead = nextEvent(queue.lifecycle, 'message.dead-lettered', (e) => e.message.id === id, patience(ctx));
      queue.consume(
        name,
        () => {
          throw new Error('nope');
        },
        { leaseMs: longLease(ctx), retry: fastRetry(ctx, { maxAttempts: 3 }) },
      );
      await dead;
      const attempt: LifecycleEventName[] = ['message.received', 'message.failed', 'message.retried'];
      assert.deepEqual(log.typesFor(id), [
        'message.published',
        ...attempt,
        ...attempt,
        'message.received',
        'message.failed',
        'message.dead-lettered',
      ]);
      const failed = log.of('message.failed');
      assert.deepEqual(failed.map((e) => e.message.attempt), [1, 2, 3], 'each failure names its attempt');
      assert.ok(failed.every((e) => e.error instanceof Error && e.error.message === 'nope'), 'message.failed carries the error');
      assert.deepEqual(log.of('message.retried').map((e) => e.delayMs), [ctx.ms(10), ctx.ms(10)]);
    },
  },
  {
    name: 'a consumer raises consumer.started with its settings, then consumer.stopped with its reason',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const log = collectEvents(queue.lifecycle);
      const name = uniqueQueueName('events');
      const consumer = queue.consume(name, () => undefined, { concurrency: 2, batchSize: 7, consumerId: 'worker-7', leaseMs: longLease(ctx) });
      assert.equal(consumer.id, 'worker-7');
      assert.equal(consumer.queue, name);
      assert.equal(consumer.state, 'running');
      await consumer.stop();
      const started = log.of('consumer.started');
      const stopped = log.of('consumer.stopped');
      assert.equal(started.length, 1);
      assert.deepEqual(
        { queue: started[0]!.queue, consumerId: started[0]!.consumerId, concurrency: started[0]!.concurrency, batchSize: started[0]!.batchSize },
        { queue: name, consumerId: 'worker-7', concurrency: 2, batchSize: 7 },
      );
      assert.equal(stopped.length, 1);
      assert.equal(stopped[0]!.reason, 'stop');
      assert.equal(stopped[0]!.consumerId, 'worker-7');
      assert.equal(stopped[0]!.abandoned, 0);
      const types = log.events.map((e) => e.type);
      assert.ok(types.indexOf('consumer.started') < types.indexOf('consumer.stopped'));
    },
  },
  {
    name: 'listeners given to createQueue and added later all receive events, and a removed one stops receiving them',
    async run(ctx) {
      const counts = { config: 0, added: 0, removed: 0 };
      const queue = await ctx.world.createQueue({ lifecycle: [{ name: 'from-config', 'message.processed': () => void counts.config++ }] });
      queue.lifecycle.add({ name: 'added', 'message.processed': () => void counts.added++ });
      const remove = queue.lifecycle.add({ name: 'removed', 'message.processed': () => void counts.removed++ });
      remove();
      const name = uniqueQueueName('events');
      const seen = new Deliveries();
      queue.consume(name, seen.processor(), { leaseMs: longLease(ctx) });
      await queue.publish(name, { payload: 1 });
      await until(() => counts.config === 1 && counts.added === 1, patience(ctx), () => `both listeners called (${JSON.stringify(counts)})`);
      assert.equal(counts.removed, 0);
    },
  },
];
