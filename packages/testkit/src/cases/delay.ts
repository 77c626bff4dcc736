import assert from 'node:assert/strict';
import { Deliveries, uniqueQueueName, until } from '../helpers/index.js';
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
];
