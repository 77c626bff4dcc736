import assert from 'node:assert/strict';
import { ErrorCode } from '@mqkit/core';
import { Deliveries, assertErrorLike, collectEvents, deferred, delay, nextEvent, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { fastRetry, longLease, patience } from './common.js';

/** Resolves when `signal` aborts. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

export const timeoutCases: ConformanceCase[] = [
  {
    name: 'a processor past timeoutMs sees ctx.signal abort with a TimeoutError, processor.timeout is emitted, and the message is retried with attempt 2',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const log = collectEvents(queue.lifecycle);
      const name = uniqueQueueName('timeout');
      const timeoutMs = ctx.ms(100);
      const { ids } = await queue.publish(name, { payload: 'slow' });
      const id = ids[0]!;
      let reason: unknown;
      let abortedAt = -1;
      let deadline = -1;
      let started = -1;
      const seen = new Deliveries();
      const timedOut = nextEvent(queue.lifecycle, 'processor.timeout', (e) => e.messages.some((m) => m.id === id), patience(ctx));
      const processed = nextEvent(queue.lifecycle, 'message.processed', (e) => e.messages.some((m) => m.id === id), patience(ctx));
      queue.consume(
        name,
        seen.processor(async ([m], c) => {
          if (m!.attempt > 1) return;
          started = Date.now();
          deadline = c.deadline;
          await aborted(c.signal);
          abortedAt = Date.now();
          reason = c.signal.reason;
        }),
        { timeoutMs, leaseMs: longLease(ctx), retry: fastRetry(ctx) },
      );
      const event = await timedOut;
      assert.equal(event.timeoutMs, timeoutMs);
      await processed;
      assertErrorLike(reason, { name: 'TimeoutError', code: ErrorCode.Timeout }, 'ctx.signal.reason');
      assert.equal((reason as { timeoutMs?: number }).timeoutMs, timeoutMs);
      assert.ok(deadline <= started + timeoutMs, `ctx.deadline ${deadline} is at most timeoutMs after the processor started (${started})`);
      assert.ok(abortedAt >= deadline - 1, `the signal aborted at ${abortedAt}, before ctx.deadline ${deadline}`);
      assert.deepEqual(seen.of(id).map((d) => d.message.attempt), [1, 2], 'a timeout is retried and counts as an attempt');
      const failed = log.of('message.failed').filter((e) => e.message.id === id);
      assert.equal(failed.length, 1);
      assert.equal(failed[0]!.willRetry, true);
      assertErrorLike(failed[0]!.error, { name: 'TimeoutError', code: ErrorCode.Timeout }, 'message.failed error');
    },
  },
  {
    name: 'a processor that ignores the signal keeps its concurrency slot until it returns, and processor.overrun is emitted',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('overrun');
      const timeoutMs = ctx.ms(80);
      const { ids } = await queue.publish(name, [{ payload: 'stuck' }, { payload: 'next' }]);
      const hold = deferred();
      const seen = new Deliveries();
      const timedOut = nextEvent(queue.lifecycle, 'processor.timeout', undefined, patience(ctx));
      queue.consume(
        name,
        seen.processor(async () => {
          if (seen.batches === 1) await hold.promise; // ignores ctx.signal
        }),
        { concurrency: 1, timeoutMs, leaseMs: longLease(ctx), retry: fastRetry(ctx) },
      );
      await timedOut;
      const stuckId = seen.all[0]!.message.id;
      // Prove a negative: with concurrency 1, nothing else starts while the stuck processor runs,
      // although its message was already retried (due in 10 ms) and another one is ready.
      const waited = ctx.ms(150);
      await delay(waited);
      assert.equal(seen.batches, 1, 'no batch starts while the timed-out processor still holds the only slot');
      const overrun = nextEvent(queue.lifecycle, 'processor.overrun', undefined, patience(ctx));
      hold.resolve();
      const event = await overrun;
      assert.ok(event.messages.some((m) => m.id === stuckId));
      assert.ok(event.overrunMs >= waited - 2, `overrunMs ${event.overrunMs} covers the ${waited} ms it ran past its deadline`);
      await until(() => ids.every((id) => seen.of(id).some((d) => d.batch > 1)), patience(ctx), 'both messages are processed after the slot frees');
      assert.deepEqual(seen.of(stuckId).map((d) => d.message.attempt), [1, 2], "the stuck processor's late result was discarded: the message is retried");
    },
  },
];
