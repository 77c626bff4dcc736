import assert from 'node:assert/strict';
import { RetryableError } from '@mqkit/core';
import { Deliveries, uniqueQueueName, until, type Delivery } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { longLease, patience } from './common.js';

export const delayCases: ConformanceCase[] = [
  {
    name: 'a message published with delayMs is not delivered before its runAt',
    requires: ['delay'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('delay');
      const delayMs = ctx.ms(150);
      const seen = new Deliveries();
      queue.consume(name, seen.processor(), { leaseMs: longLease(ctx) });
      const { ids } = await queue.publish(name, { payload: 'later', delayMs });
      const id = ids[0]!;
      await until(() => seen.count(id) === 1, patience(ctx), 'the delayed message is delivered');
      const d = seen.of(id)[0]!;
      assert.equal(d.message.runAt, d.message.createdAt + delayMs, 'runAt = publish time + delayMs');
      assert.ok(d.at >= d.message.runAt, `delivered at ${d.at}, ${d.message.runAt - d.at} ms before its runAt`);
      assert.equal(d.message.attempt, 1);
    },
  },
  {
    name: 'a message published with runAt (a Date) waits for it while an undelayed message published later goes first',
    requires: ['delay'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('delay');
      const runAt = Date.now() + ctx.ms(200);
      const { ids: [later] } = await queue.publish(name, { payload: 'later', runAt: new Date(runAt) });
      const { ids: [now] } = await queue.publish(name, { payload: 'now' });
      const seen = new Deliveries();
      queue.consume(name, seen.processor(), { leaseMs: longLease(ctx) });
      await until(() => seen.ids().size === 2, patience(ctx), 'both delivered');
      const [first, second] = seen.all;
      assert.equal(first!.message.id, now, 'the undelayed message is delivered first');
      assert.equal(second!.message.id, later);
      assert.equal(second!.message.runAt, runAt, 'runAt is the given time');
      assert.ok(second!.at >= runAt, `delivered ${runAt - second!.at} ms before its runAt`);
    },
  },
  {
    name: 'fractional milliseconds (delayMs: 20.5, runAt: now + 10.25, a RetryableError delayMs: 5.5) are accepted, and the messages delivered with runAt within 1 ms of the asked time',
    requires: ['delay'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('delay');
      const delayMs = ctx.ms(20) + 0.5;
      const runAt = Date.now() + ctx.ms(10) + 0.25;
      const { ids } = await queue.publish(name, [{ payload: 'delayed', delayMs }, { payload: 'at', runAt }]);
      const [delayed, at] = ids as [string, string];
      const seen = new Deliveries();
      const retryMs = ctx.ms(5) + 0.5;
      const processor = seen.processor((messages) => {
        if (messages[0]!.id === at && messages[0]!.attempt === 1) throw new RetryableError('again, a fraction later', { delayMs: retryMs });
      });
      queue.consume(name, processor, { batchSize: 1, leaseMs: longLease(ctx) });
      await until(() => seen.count(delayed) === 1 && seen.count(at) === 2, patience(ctx), 'both delivered, the second twice');
      const d = seen.of(delayed)[0]!.message;
      assert.ok(Math.abs(d.runAt - (d.createdAt + delayMs)) <= 1, `runAt ${d.runAt} is createdAt ${d.createdAt} + ${delayMs} within 1 ms`);
      const [first, again] = seen.of(at) as [Delivery, Delivery];
      assert.ok(Math.abs(first.message.runAt - runAt) <= 1, `runAt ${first.message.runAt} is ${runAt} within 1 ms`);
      assert.ok(again.at >= first.at + ctx.ms(5), `retried ${again.at - first.at} ms after the first delivery, asked for ${retryMs}`);
    },
  },
];
