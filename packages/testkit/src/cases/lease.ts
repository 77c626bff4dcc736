import assert from 'node:assert/strict';
import { Deliveries, collectEvents, delay, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { patience } from './common.js';

export const leaseCases: ConformanceCase[] = [
  {
    name: 'ctx.extendLease pushes the deadline and keeps a long batch from being redelivered to another process',
    requires: ['leaseExtension'],
    async run(ctx) {
      const leaseMs = ctx.ms(150);
      const worker = await ctx.world.createQueue();
      const rival = await ctx.world.createQueue();
      const log = collectEvents(worker.lifecycle);
      const name = uniqueQueueName('extend');
      const { ids } = await worker.publish(name, { payload: 'long job' });
      const id = ids[0]!;
      const extendTo = ctx.ms(800);
      const work = ctx.ms(500); // over 3 leases and over timeoutMs
      let deadlineAfterExtend = 0;
      let extendedAt = 0;
      let leaseAfterExtend = 0;
      const seen = new Deliveries();
      worker.consume(
        name,
        seen.processor(async (_messages, c) => {
          extendedAt = Date.now();
          await c.extendLease(extendTo);
          deadlineAfterExtend = c.deadline;
          leaseAfterExtend = c.leaseExpiresAt;
          await delay(work); // the long work itself, not a wait for a condition
        }),
        { leaseMs, timeoutMs: leaseMs },
      );
      // The rival starts once the worker holds the message (on a real backend either could claim first).
      await until(() => seen.count(id) === 1, patience(ctx), 'the first process holds the message');
      const rivalSeen = new Deliveries();
      rival.consume(name, rivalSeen.processor(), { leaseMs });
      await until(() => log.of('message.processed').some((e) => e.messages.some((m) => m.id === id)), work + patience(ctx), 'the long job is acked');
      // ctx.deadline is the run's integer start time plus monotonic (fractional) elapsed ms, and
      // Date.now() is floored: the two can differ by under 1 ms either way without any fault.
      assert.ok(deadlineAfterExtend >= extendedAt + extendTo - 1, `ctx.deadline moved to at least extendLease(ms) from now (deadline ${deadlineAfterExtend}, asked at ${extendedAt} for ${extendTo} ms)`);
      assert.ok(leaseAfterExtend >= extendedAt + extendTo, 'ctx.leaseExpiresAt moved to at least extendLease(ms) from now');
      assert.equal(log.of('processor.timeout').length, 0, 'the extended processor did not time out');
      assert.equal(log.of('lease.lost').length, 0, 'the lease was never lost');
      assert.equal(rivalSeen.count(id), 0, 'no other process got the message while it was worked on');
      assert.equal(seen.count(id), 1);
    },
  },
  {
    name: 'a lease is renewed automatically while a processor works longer than leaseMs',
    requires: ['leaseExtension'],
    async run(ctx) {
      const leaseMs = ctx.ms(100);
      const worker = await ctx.world.createQueue();
      const rival = await ctx.world.createQueue();
      const log = collectEvents(worker.lifecycle);
      const name = uniqueQueueName('renew');
      const { ids } = await worker.publish(name, { payload: 'long job' });
      const id = ids[0]!;
      const seen = new Deliveries();
      worker.consume(name, seen.processor(() => delay(leaseMs * 4)), { leaseMs, timeoutMs: ctx.ms(10_000) });
      // The rival starts once the worker holds the message (on a real backend either could claim first).
      await until(() => seen.count(id) === 1, patience(ctx), 'the first process holds the message');
      const rivalSeen = new Deliveries();
      rival.consume(name, rivalSeen.processor(), { leaseMs });
      await until(() => log.of('message.processed').some((e) => e.messages.some((m) => m.id === id)), leaseMs * 4 + patience(ctx), 'the long job is acked');
      assert.ok(log.of('lease.renewed').length >= 2, `lease.renewed emitted while working (${log.of('lease.renewed').length} times)`);
      assert.equal(rivalSeen.count(id), 0, 'no other process got the message while it was worked on');
      assert.equal(seen.count(id), 1);
    },
  },
  {
    name: 'a batch lease raises lease.acquired, then lease.renewed while the processor works, then lease.released once settled',
    requires: ['leaseExtension'],
    async run(ctx) {
      const leaseMs = ctx.ms(60);
      const queue = await ctx.world.createQueue();
      const log = collectEvents(queue.lifecycle);
      const name = uniqueQueueName('lease-events');
      await queue.publish(name, { payload: 'long job' });
      let done = false;
      queue.consume(
        name,
        async () => {
          await delay(leaseMs * 3); // long enough to be renewed
          done = true;
        },
        { leaseMs, timeoutMs: ctx.ms(10_000) },
      );
      await until(() => done && log.of('message.processed').length === 1, patience(ctx), 'the job is acked');
      const renewed = log.of('lease.renewed');
      assert.ok(renewed.length >= 1, 'the lease was renewed');
      const acquired = log.of('lease.acquired');
      const first = renewed[0]!;
      const match = acquired.find((e) => e.resource === first.resource && e.token === first.token);
      assert.ok(match, `lease.acquired for resource ${first.resource} (token ${first.token}) before it is renewed; got acquired: ${JSON.stringify(acquired)}`);
      assert.ok(log.events.indexOf(match) < log.events.indexOf(first), 'acquired before renewed');
      const released = log.of('lease.released').find((e) => e.resource === first.resource);
      assert.ok(released, 'lease.released once the batch is settled');
      assert.ok(log.events.indexOf(released) > log.events.indexOf(renewed[renewed.length - 1]!), 'released after the last renewal');
    },
  },
];
