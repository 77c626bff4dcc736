import assert from 'node:assert/strict';
import type { ProcessorContext } from '@mqkit/core';
import { Deliveries, collectEvents, deferred, delay, nextEvent, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { patience } from './common.js';

export const crashRecoveryCases: ConformanceCase[] = [
  {
    name: 'a batch abandoned by a crashed consumer is redelivered to another process after its lease, with attempt 2',
    requires: ['crashRecovery', 'crash'],
    async run(ctx) {
      const leaseMs = ctx.ms(200);
      const crashed = await ctx.world.createQueue();
      const survivor = await ctx.world.createQueue();
      const name = uniqueQueueName('crash');
      const { ids } = await crashed.publish(name, [{ payload: 1 }, { payload: 2 }, { payload: 3 }]);
      const held = deferred();
      const leaseOf = new Map<string, ProcessorContext>();
      const seenA = new Deliveries();
      crashed.consume(
        name,
        seenA.processor(async (messages, c) => {
          for (const m of messages) leaseOf.set(m.id, c);
          await held.promise;
        }),
        { concurrency: 3, batchSize: 3, leaseMs, timeoutMs: ctx.ms(60_000) },
      );
      await until(() => seenA.ids().size === 3, patience(ctx), 'the first process holds all three messages');
      const seenB = new Deliveries();
      survivor.consume(name, seenB.processor(), { concurrency: 2, batchSize: 3, leaseMs, timeoutMs: ctx.ms(60_000) });
      await ctx.world.crash(crashed);
      const crashedAt = Date.now();
      const expiries = new Map(ids.map((id) => [id, leaseOf.get(id)!.leaseExpiresAt]));
      try {
        await until(() => ids.every((id) => seenB.count(id) >= 1), leaseMs + patience(ctx), () => `the survivor gets all three (got ${seenB.ids().size})`);
      } finally {
        held.resolve(); // the crashed process's processor returns late; its outcome must be fenced off
      }
      for (const id of ids) {
        const d = seenB.of(id)[0]!;
        assert.equal(d.message.attempt, 2, 'the redelivery counts the abandoned attempt');
        assert.ok(d.at >= expiries.get(id)!, `redelivered ${expiries.get(id)! - d.at} ms before the lease (renewed until the crash at ${crashedAt}) expired`);
      }
      // Prove nothing more happens: the late outcome of the crashed process changes nothing.
      await delay(leaseMs + ctx.ms(100));
      for (const id of ids) {
        assert.equal(seenB.count(id), 1, 'the survivor got it once');
        assert.equal(seenA.count(id), 1, 'the crashed process never gets it again');
      }
      const stats = await survivor.stats(name);
      if (stats.ready !== null) assert.equal(stats.ready, 0);
      if (stats.inFlight !== null) assert.equal(stats.inFlight, 0);
    },
  },
  {
    name: "a message that keeps killing its consumer is dead-lettered with reason 'poison-pill' after maxAttempts deliveries",
    requires: ['crashRecovery', 'crash'],
    async run(ctx) {
      const leaseMs = ctx.ms(150);
      const maxAttempts = 2;
      const name = uniqueQueueName('poison');
      const first = await ctx.world.createQueue();
      const { ids } = await first.publish(name, { payload: 'kills its consumer', maxAttempts });
      const id = ids[0]!;
      const never = deferred();
      const attempts: number[] = [];
      for (let i = 0; i < maxAttempts; i++) {
        const victim = i === 0 ? first : await ctx.world.createQueue();
        const seen = new Deliveries();
        victim.consume(
          name,
          seen.processor(() => never.promise),
          { leaseMs, timeoutMs: ctx.ms(60_000), retry: { maxAttempts } },
        );
        await until(() => seen.count(id) === 1, leaseMs + patience(ctx), `delivery ${i + 1} of the poison pill`);
        attempts.push(seen.of(id)[0]!.message.attempt);
        await ctx.world.crash(victim);
      }
      assert.deepEqual(attempts, [1, 2], 'each crash counts as an attempt');
      const last = await ctx.world.createQueue();
      const poison = nextEvent(last.lifecycle, 'poison-pill', (e) => e.message.id === id, leaseMs + patience(ctx));
      const dead = nextEvent(last.lifecycle, 'message.dead-lettered', (e) => e.message.id === id, leaseMs + patience(ctx));
      const seen = new Deliveries();
      last.consume(name, seen.processor(), { leaseMs, retry: { maxAttempts } });
      try {
        const event = await poison;
        assert.equal(event.attempts, maxAttempts, 'poison-pill reports the deliveries it had');
        const deadEvent = await dead;
        assert.equal(deadEvent.reason, 'poison-pill');
        assert.equal(deadEvent.message.attempt, maxAttempts);
        assert.equal(seen.count(id), 0, 'it is not delivered a third time');
        if (last.capabilities.deadLetterStore) {
          const page = await last.deadLetters.list(name);
          assert.equal(page.items.length, 1);
          assert.equal(page.items[0]!.reason, 'poison-pill');
          assert.equal(page.items[0]!.message.attempt, maxAttempts, 'the dead letter keeps the attempt count');
        }
      } finally {
        never.resolve();
      }
    },
  },
  {
    name: "a batch that killed its consumer comes back one message per claim, so only the message that keeps killing is dead-lettered as a 'poison-pill' and its batch-mates are acked",
    requires: ['crashRecovery', 'crash'],
    async run(ctx) {
      const leaseMs = ctx.ms(150);
      const maxAttempts = 2;
      const name = uniqueQueueName('poison-batch');
      const first = await ctx.world.createQueue();
      const { ids } = await first.publish(name, [{ payload: 'mate a' }, { payload: 'killer' }, { payload: 'mate b' }]);
      const killer = ids[1]!;
      const mates = [ids[0]!, ids[2]!];
      const never = deferred();
      const options = { concurrency: 3, batchSize: 3, leaseMs, timeoutMs: ctx.ms(60_000), retry: { maxAttempts } };
      try {
        // Process 1 gets the three (in one claim, where the provider batches them) and dies holding them.
        const seen1 = new Deliveries();
        first.consume(
          name,
          seen1.processor(() => never.promise),
          options,
        );
        await until(() => seen1.ids().size === 3, patience(ctx), 'the first process holds all three');
        await ctx.world.crash(first);

        // Process 2 dies on any claim that holds the killer and acks the others.
        const second = await ctx.world.createQueue();
        const log2 = collectEvents(second.lifecycle);
        const seen2 = new Deliveries();
        second.consume(
          name,
          seen2.processor((messages) => (messages.some((m) => m.id === killer) ? never.promise : undefined)),
          options,
        );
        const acked = (): string[] => log2.of('message.processed').flatMap((e) => e.messages.map((m) => m.id));
        await until(
          () => seen2.count(killer) === 1 && mates.every((id) => acked().includes(id)),
          leaseMs + patience(ctx),
          () => `the second process holds the killer and acks its batch-mates (acked ${acked().length} of 2)`,
        );
        for (const d of seen2.all) {
          assert.equal(seen2.all.filter((o) => o.batch === d.batch).length, 1, 'a message whose delivery was abandoned comes back in a claim of its own');
          assert.equal(d.message.attempt, 2, 'the abandoned delivery counts as an attempt');
        }
        await ctx.world.crash(second);

        // Process 3: the killer has had maxAttempts deliveries and is dead-lettered at receive.
        const last = await ctx.world.createQueue();
        const log3 = collectEvents(last.lifecycle);
        const poison = nextEvent(last.lifecycle, 'message.dead-lettered', (e) => e.message.id === killer, leaseMs + patience(ctx));
        const seen3 = new Deliveries();
        last.consume(name, seen3.processor(), options);
        const dead = await poison;
        assert.equal(dead.reason, 'poison-pill');
        assert.equal(dead.message.attempt, maxAttempts);
        await delay(leaseMs + ctx.ms(100)); // prove a negative: nothing else is dead-lettered or delivered again
        assert.deepEqual(
          [...log2.of('message.dead-lettered'), ...log3.of('message.dead-lettered')].map((e) => e.message.id),
          [killer],
          'the batch-mates are not dead-lettered with it',
        );
        assert.equal(seen3.all.length, 0, 'the acked batch-mates are not delivered again, the killer not a third time');
        if (last.capabilities.deadLetterStore) {
          const page = await last.deadLetters.list(name);
          assert.deepEqual(page.items.map((l) => [l.message.id, l.reason]), [[killer, 'poison-pill']], 'the dead-letter store holds only the killer');
        }
      } finally {
        never.resolve();
      }
    },
  },
];
