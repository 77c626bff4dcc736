import assert from 'node:assert/strict';
import { RetryableError, retry } from '@mqkit/core';
import { Deliveries, collectEvents, nextEvent, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { fastRetry, longLease, patience } from './common.js';

export const retryBackoffCases: ConformanceCase[] = [
  {
    name: "a failed message is redelivered with attempt 2 and a runAt that reflects the fixed backoff",
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const log = collectEvents(queue.lifecycle);
      const name = uniqueQueueName('retry-fixed');
      const backoff = ctx.ms(50);
      const { ids } = await queue.publish(name, { payload: 'flaky' });
      const id = ids[0]!;
      const seen = new Deliveries();
      const processed = nextEvent(queue.lifecycle, 'message.processed', (e) => e.messages.some((m) => m.id === id), patience(ctx));
      queue.consume(
        name,
        seen.processor(([m]) => {
          if (m!.attempt === 1) throw new Error('transient');
        }),
        { leaseMs: longLease(ctx), retry: { backoff: 'fixed', delayMs: backoff, jitter: 0, maxAttempts: 3 } },
      );
      await processed;
      const [first, second] = seen.of(id);
      assert.ok(first && second, 'delivered twice');
      assert.equal(second.message.attempt, 2, 'the redelivery has attempt 2');
      assert.notEqual(second.message, first.message, 'a provider never hands out the same Message object twice');
      assert.equal(second.message.createdAt, first.message.createdAt, 'createdAt is kept across redeliveries');
      const retried = log.of('message.retried');
      assert.equal(retried.length, 1);
      assert.equal(retried[0]!.delayMs, backoff, 'message.retried reports the policy delay');
      assert.ok(second.message.runAt >= first.at + backoff, `runAt ${second.message.runAt} is at least the failure time + ${backoff} ms (delivered at ${first.at})`);
      assert.ok(second.message.runAt <= retried[0]!.at + backoff, 'runAt is the retry time, not later');
      assert.ok(second.at >= second.message.runAt, `not redelivered (${second.at}) before its runAt (${second.message.runAt})`);
      assert.equal(seen.count(id), 2, 'acked after the second delivery');
    },
  },
  {
    name: 'exponential backoff makes each wait longer than the one before',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const log = collectEvents(queue.lifecycle);
      const name = uniqueQueueName('retry-exp');
      const base = ctx.ms(20);
      const { ids } = await queue.publish(name, { payload: 'always fails' });
      const id = ids[0]!;
      const seen = new Deliveries();
      const dead = nextEvent(queue.lifecycle, 'message.dead-lettered', (e) => e.message.id === id, patience(ctx));
      queue.consume(
        name,
        seen.processor(() => {
          throw new Error('still failing');
        }),
        { leaseMs: longLease(ctx), retry: { backoff: 'exponential', delayMs: base, factor: 2, jitter: 0, maxAttempts: 4, maxDelayMs: 60_000 } },
      );
      await dead;
      const deliveries = seen.of(id);
      assert.deepEqual(deliveries.map((d) => d.message.attempt), [1, 2, 3, 4]);
      assert.deepEqual(log.of('message.retried').map((e) => e.delayMs), [base, base * 2, base * 4], 'delays double');
      for (let k = 1; k < deliveries.length; k++) {
        const prev = deliveries[k - 1]!;
        const next = deliveries[k]!;
        const wait = base * 2 ** (k - 1);
        assert.ok(next.message.runAt >= prev.at + wait, `attempt ${k + 1}: runAt is ≥ ${wait} ms after attempt ${k} failed`);
        assert.ok(next.at >= next.message.runAt, `attempt ${k + 1} is not delivered before its runAt`);
      }
    },
  },
  {
    name: 'a processor that throws fails every message of its batch, and each comes back with attempt 2',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('retry-batch');
      const { ids } = await queue.publish(name, [{ payload: 'a' }, { payload: 'b' }]);
      const seen = new Deliveries();
      queue.consume(
        name,
        seen.processor((messages) => {
          if (messages.some((m) => m.attempt === 1)) throw new Error('the whole batch failed');
        }),
        { batchSize: 2, leaseMs: longLease(ctx), retry: fastRetry(ctx) },
      );
      await until(() => ids.every((id) => seen.count(id) >= 2), patience(ctx), 'both messages redelivered');
      for (const id of ids) assert.deepEqual(seen.of(id).map((d) => d.message.attempt), [1, 2]);
    },
  },
  {
    name: "a RetryableError's delayMs overrides the policy's backoff",
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('retry-explicit');
      const { ids } = await queue.publish(name, { payload: 'rate limited' });
      const seen = new Deliveries();
      const retried = nextEvent(queue.lifecycle, 'message.retried', undefined, patience(ctx));
      const processed = nextEvent(queue.lifecycle, 'message.processed', undefined, patience(ctx));
      queue.consume(
        name,
        seen.processor(([m]) => {
          if (m!.attempt === 1) throw new RetryableError('slow down', { delayMs: ctx.ms(20) });
        }),
        // The policy alone would wait a minute: the redelivery within `patience` proves the override.
        { leaseMs: longLease(ctx), retry: { backoff: 'fixed', delayMs: 60_000, jitter: 0 } },
      );
      assert.equal((await retried).delayMs, ctx.ms(20));
      await processed;
      assert.deepEqual(seen.of(ids[0]!).map((d) => d.message.attempt), [1, 2]);
    },
  },
  {
    name: "retry(error, { delayMs }) overrides the policy's backoff for that message",
    requires: ['perMessageSettle'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('retry-outcome');
      const { ids } = await queue.publish(name, { payload: 'later, please' });
      const seen = new Deliveries();
      const retried = nextEvent(queue.lifecycle, 'message.retried', undefined, patience(ctx));
      const processed = nextEvent(queue.lifecycle, 'message.processed', undefined, patience(ctx));
      queue.consume(
        name,
        seen.processor((messages) => messages.map((m) => (m.attempt === 1 ? retry(new Error('not yet'), { delayMs: ctx.ms(30) }) : undefined))),
        { leaseMs: longLease(ctx), retry: { backoff: 'fixed', delayMs: 60_000, jitter: 0 } },
      );
      assert.equal((await retried).delayMs, ctx.ms(30));
      await processed;
      const [first, second] = seen.of(ids[0]!);
      assert.ok(first && second);
      assert.ok(second.message.runAt >= first.at + ctx.ms(30), 'runAt reflects the outcome delay');
    },
  },
  {
    name: 'failure counts survive a consumer restart: the next consumer gets the message with its attempt count',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('retry-restart');
      const { ids } = await queue.publish(name, { payload: 'fails once' });
      const retried = nextEvent(queue.lifecycle, 'message.retried', undefined, patience(ctx));
      const first = queue.consume(
        name,
        () => {
          throw new Error('first consumer fails');
        },
        { leaseMs: longLease(ctx), retry: { backoff: 'fixed', delayMs: ctx.ms(100), jitter: 0 } },
      );
      await retried;
      await first.stop();
      const restarted = await ctx.world.createQueue(); // a new process, too
      const seen = new Deliveries();
      restarted.consume(name, seen.processor(), { leaseMs: longLease(ctx) });
      await until(() => seen.count(ids[0]!) === 1, patience(ctx), 'the restarted consumer gets it');
      assert.equal(seen.of(ids[0]!)[0]!.message.attempt, 2);
    },
  },
];
