import assert from 'node:assert/strict';
import { Deliveries, collectEvents, deferred, delay, nextEvent, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { patience } from './common.js';

export const fencingCases: ConformanceCase[] = [
  {
    name: 'a process frozen past its lease cannot ack when it wakes up (fencing): lease.lost is emitted and the other process owns the message',
    requires: ['crashRecovery'],
    async run(ctx) {
      const leaseMs = ctx.ms(150);
      const frozen = await ctx.world.createQueue();
      const other = await ctx.world.createQueue();
      const frozenLog = collectEvents(frozen.lifecycle);
      const name = uniqueQueueName('fencing');
      const { ids } = await frozen.publish(name, { payload: 'contested' });
      const id = ids[0]!;
      const hold = deferred();
      const seenA = new Deliveries();
      frozen.consume(name, seenA.processor(() => hold.promise), { leaseMs, timeoutMs: ctx.ms(60_000) });
      await until(() => seenA.count(id) === 1, patience(ctx), 'the first process holds the message');
      // By its own clock the frozen process sees its lease run out while its renewals hang.
      const lost = nextEvent(frozen.lifecycle, 'lease.lost', undefined, leaseMs + patience(ctx));
      await ctx.world.pause(frozen); // no renewals from now on: the lease runs out

      const seenB = new Deliveries();
      const processedByB = nextEvent(other.lifecycle, 'message.processed', (e) => e.messages.some((m) => m.id === id), leaseMs + patience(ctx));
      other.consume(name, seenB.processor(), { leaseMs });
      await processedByB;
      assert.equal(seenB.of(id)[0]!.message.attempt, 2, 'the other process gets it as a redelivery');

      hold.resolve(); // the frozen processor "finishes": whatever it would send waits behind the pause
      await ctx.world.resume(frozen);
      await lost;
      assert.equal(
        frozenLog.of('message.processed').filter((e) => e.messages.some((m) => m.id === id)).length,
        0,
        'no stale ack went through: the frozen process reports nothing processed',
      );
      await delay(leaseMs + ctx.ms(50)); // prove a negative: the stale outcome changed nothing
      assert.equal(seenB.count(id), 1, 'no further redelivery');
      assert.equal(seenA.count(id), 1);
      const stats = await other.stats(name);
      if (stats.inFlight !== null) assert.equal(stats.inFlight, 0, 'in-flight count not corrupted by the stale settle');
      if (stats.ready !== null) assert.equal(stats.ready, 0);
    },
  },
];
