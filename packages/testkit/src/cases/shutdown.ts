import assert from 'node:assert/strict';
import { ErrorCode } from '@mqkit/core';
import { Deliveries, assertErrorLike, collectEvents, deferred, delay, nextEvent, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { longLease, patience } from './common.js';

export const shutdownCases: ConformanceCase[] = [
  {
    name: 'stop() waits for the in-flight processor, acks its message, fetches nothing more, then resolves',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('drain');
      const order: string[] = [];
      queue.lifecycle.add({ 'message.processed': () => void order.push('processed'), 'consumer.stopped': (e) => void order.push(`stopped:${e.reason}`) });
      const { ids } = await queue.publish(name, { payload: 'in flight' });
      const hold = deferred();
      const seen = new Deliveries();
      const consumer = queue.consume(name, seen.processor(() => hold.promise), { leaseMs: longLease(ctx) });
      await until(() => seen.count(ids[0]!) === 1, patience(ctx), 'the message is in flight');
      const stopping = consumer.stop({ timeoutMs: ctx.ms(5_000) });
      let resolved = false;
      void stopping.then(() => (resolved = true));
      assert.equal(consumer.state, 'stopping');
      const { ids: late } = await queue.publish(name, { payload: 'published while stopping' });
      await delay(ctx.ms(50)); // prove a negative: stop() does not resolve while the processor runs
      assert.equal(resolved, false, 'stop() resolved before the in-flight processor finished');
      hold.resolve();
      await stopping;
      order.push('stop resolved');
      assert.deepEqual(order, ['processed', 'stopped:stop', 'stop resolved'], 'the message is acked before the consumer stops and stop() resolves');
      assert.equal(consumer.state, 'stopped');
      assert.equal(await consumer.stopped, 'stop');
      assert.equal(seen.count(late[0]!), 0, 'a stopping consumer fetches nothing more');
      const next = new Deliveries();
      queue.consume(name, next.processor(), { leaseMs: longLease(ctx) });
      await until(() => next.count(late[0]!) === 1, patience(ctx), 'the late message goes to the next consumer');
      assert.equal(next.count(ids[0]!), 0, 'the drained message was acked, not redelivered');
    },
  },
  {
    name: 'a processor still running at the shutdown deadline gets a ShutdownError signal and its message is delivered again with the attempt not counted',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const log = collectEvents(queue.lifecycle);
      const name = uniqueQueueName('abandon');
      const { ids } = await queue.publish(name, { payload: 'too slow to finish' });
      const id = ids[0]!;
      let reason: unknown;
      const seen = new Deliveries();
      const consumer = queue.consume(
        name,
        seen.processor(
          (_m, c) =>
            new Promise<void>((resolve) =>
              c.signal.addEventListener('abort', () => {
                reason = c.signal.reason;
                resolve();
              }),
            ),
        ),
        { leaseMs: longLease(ctx), timeoutMs: ctx.ms(60_000) },
      );
      await until(() => seen.count(id) === 1, patience(ctx), 'the message is in flight');
      const stopped = nextEvent(queue.lifecycle, 'consumer.stopped', (e) => e.consumerId === consumer.id, patience(ctx));
      await consumer.stop({ timeoutMs: ctx.ms(50) });
      assertErrorLike(reason, { name: 'ShutdownError', code: ErrorCode.Shutdown }, 'ctx.signal.reason at the shutdown deadline');
      assert.equal((await stopped).abandoned, 1, 'consumer.stopped counts the abandoned batch');
      const next = new Deliveries();
      const processed = nextEvent(queue.lifecycle, 'message.processed', (e) => e.messages.some((m) => m.id === id), patience(ctx));
      queue.consume(name, next.processor(), { leaseMs: longLease(ctx) });
      await processed;
      assert.equal(next.of(id)[0]!.message.attempt, 1, 'a shutdown does not count as an attempt');
      assert.equal(log.of('message.failed').length, 0, 'a released message is not a failure');
      assert.equal(log.of('message.dead-lettered').length, 0);
    },
  },
  {
    name: "a consumer whose AbortSignal aborts stops gracefully with reason 'signal'",
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('signal');
      const controller = new AbortController();
      const seen = new Deliveries();
      const consumer = queue.consume(name, seen.processor(), { signal: controller.signal, leaseMs: longLease(ctx) });
      const { ids } = await queue.publish(name, { payload: 1 });
      await until(() => seen.count(ids[0]!) === 1, patience(ctx), 'the consumer runs');
      controller.abort();
      assert.equal(await consumer.stopped, 'signal');
      assert.equal(consumer.state, 'stopped');
    },
  },
  {
    name: 'stop() is idempotent: every call returns the same promise',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const consumer = queue.consume(uniqueQueueName('stop-twice'), () => undefined, { leaseMs: longLease(ctx) });
      const first = consumer.stop();
      const second = consumer.stop();
      assert.equal(first, second);
      await first;
      assert.equal(consumer.stop(), first, 'also after it resolved');
      assert.equal(await consumer.stopped, 'stop');
    },
  },
  {
    name: 'await consumer.stop() from inside a processor ("process this one, then stop") neither deadlocks nor throws the batch away',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const log = collectEvents(queue.lifecycle);
      const name = uniqueQueueName('stop-inside');
      const { ids } = await queue.publish(name, [{ payload: 'this one' }, { payload: 'not this one' }]);
      let stopResolved = false;
      const shutdownTimeoutMs = ctx.ms(5_000);
      const seen = new Deliveries();
      const consumer = queue.consume(
        name,
        seen.processor(async () => {
          await delay(1);
          await consumer.stop();
          stopResolved = true;
        }),
        { leaseMs: longLease(ctx), shutdownTimeoutMs },
      );
      const started = Date.now();
      assert.equal(await consumer.stopped, 'stop');
      const took = Date.now() - started;
      assert.ok(stopResolved, 'stop() resolved inside the processor');
      assert.ok(took < shutdownTimeoutMs / 2, `stopped after ${took} ms, not at the ${shutdownTimeoutMs} ms shutdown deadline`);
      assert.equal(seen.all.length, 1, 'nothing more was fetched');
      const processed = log.of('message.processed').flatMap((e) => e.messages.map((m) => m.id));
      assert.deepEqual(processed, [seen.all[0]!.message.id], 'the batch it finished was acked');
      assert.equal(log.of('consumer.stopped')[0]!.abandoned, 0, 'nothing was abandoned');
      const next = new Deliveries();
      queue.consume(name, next.processor(), { leaseMs: longLease(ctx) });
      const other = ids.find((id) => id !== seen.all[0]!.message.id)!;
      await until(() => next.count(other) === 1, patience(ctx), 'the other message goes to the next consumer');
      assert.equal(next.all.length, 1, 'the processed one is not delivered again');
    },
  },
];
