import assert from 'node:assert/strict';
import type { ProcessorContext } from '@mqkit/core';
import { Deliveries, deferred, delay, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { longLease, patience, tag } from './common.js';

export const persistenceCases: ConformanceCase[] = [
  {
    name: 'a new process on the same backend gets what an earlier one published and did not ack, each once, with its attempt count',
    requires: ['persistence'],
    async run(ctx) {
      const total = 6;
      const toAck = 2;
      const name = uniqueQueueName('persist');
      const earlier = await ctx.world.createQueue();
      const { ids } = await earlier.publish(name, Array.from({ length: total }, (_, i) => ({ payload: { i, flaky: i === 0 } })));
      const flaky = ids[0]!;
      // The earlier process acks `toAck` messages and fails every other delivery it gets (the flaky
      // one always), each failure counted as an attempt, then exits.
      const acked = new Set<string>();
      const failed = new Map<string, number>();
      const seenA = new Deliveries();
      earlier.consume(
        name,
        seenA.processor(([m]) => {
          if (!tag(m!.payload).flaky && acked.size < toAck) return void acked.add(m!.id);
          failed.set(m!.id, (failed.get(m!.id) ?? 0) + 1);
          throw new Error('fails in the earlier process');
        }),
        { concurrency: 1, batchSize: 1, leaseMs: longLease(ctx), retry: { backoff: 'fixed', delayMs: ctx.ms(100), jitter: 0, maxAttempts: 10 } },
      );
      await until(() => acked.size === toAck && failed.has(flaky), patience(ctx), () => `the earlier process acks ${toAck} and fails the flaky one (acked ${acked.size})`);
      await earlier.close(); // drains: every outcome it decided is settled before it is gone

      const later = await ctx.world.createQueue();
      const seenB = new Deliveries();
      later.consume(name, seenB.processor(), { concurrency: 2, batchSize: 2, leaseMs: longLease(ctx) });
      const unacked = ids.filter((id) => !acked.has(id));
      await until(() => unacked.every((id) => seenB.count(id) >= 1), patience(ctx), () => `the new process gets the ${unacked.length} unacked messages (got ${seenB.ids().size})`);
      await delay(ctx.ms(100)); // prove a negative: nothing else, and nothing twice
      for (const id of acked) assert.equal(seenB.count(id), 0, 'a message the earlier process acked is not delivered again');
      for (const id of unacked) {
        assert.equal(seenB.count(id), 1, 'each unacked message is delivered once');
        const { message } = seenB.of(id)[0]!;
        assert.equal(message.attempt, (failed.get(id) ?? 0) + 1, 'the attempt count includes the failures in the earlier process');
        assert.deepEqual(message.payload, { i: ids.indexOf(id), flaky: id === flaky }, 'the payload survives');
      }
      assert.ok(seenB.of(flaky)[0]!.message.attempt >= 2, 'the flaky message comes with its failed attempt counted');
    },
  },
  {
    name: 'a batch a crashed process held is delivered to a new process on the same backend after its lease, with attempt 2, and what it acked before is not',
    requires: ['persistence', 'crashRecovery', 'crash'],
    async run(ctx) {
      const leaseMs = ctx.ms(200);
      const name = uniqueQueueName('persist-crash');
      const crashed = await ctx.world.createQueue();
      const { ids } = await crashed.publish(name, Array.from({ length: 5 }, (_, i) => ({ payload: i })));
      // The crashed process acks its first batch, then dies holding the second, mid-batch.
      const never = deferred();
      const acked = new Set<string>();
      const leaseOf = new Map<string, ProcessorContext>();
      const seenA = new Deliveries();
      crashed.consume(
        name,
        seenA.processor(async (messages, c) => {
          if (acked.size === 0) {
            for (const m of messages) acked.add(m.id);
            return;
          }
          for (const m of messages) leaseOf.set(m.id, c);
          await never.promise;
        }),
        { concurrency: 1, batchSize: 2, leaseMs, timeoutMs: ctx.ms(60_000) },
      );
      try {
        await until(() => leaseOf.size > 0, patience(ctx), 'the crashed process holds its second batch');
        await ctx.world.crash(crashed);
        const expiries = new Map([...leaseOf].map(([id, c]) => [id, c.leaseExpiresAt]));

        const later = await ctx.world.createQueue();
        const seenB = new Deliveries();
        later.consume(name, seenB.processor(), { concurrency: 2, batchSize: 2, leaseMs });
        const unacked = ids.filter((id) => !acked.has(id));
        await until(() => unacked.every((id) => seenB.count(id) >= 1), leaseMs + patience(ctx), () => `the new process gets the ${unacked.length} unacked messages (got ${seenB.ids().size})`);
        await delay(leaseMs + ctx.ms(100)); // prove a negative: nothing else, nothing twice
        for (const id of acked) assert.equal(seenB.count(id), 0, 'what the crashed process acked is not delivered again');
        for (const id of unacked) {
          assert.equal(seenB.count(id), 1, 'each unacked message is delivered once');
          const d = seenB.of(id)[0]!;
          const held = expiries.get(id);
          if (held === undefined) {
            assert.equal(d.message.attempt, 1, 'a message the crashed process never got comes with attempt 1');
          } else {
            assert.equal(d.message.attempt, 2, 'a message the crashed process held comes with its abandoned attempt counted');
            assert.ok(d.at >= held, `a held message was redelivered ${held - d.at} ms before its lease expired`);
          }
        }
        assert.ok(acked.size > 0 && expiries.size > 0, 'the crashed process acked one batch and held another');
      } finally {
        never.resolve(); // the crashed process's processor returns late; its outcome must be fenced off
      }
    },
  },
];
