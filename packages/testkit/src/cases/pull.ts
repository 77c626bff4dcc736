import assert from 'node:assert/strict';
import { ack, deadLetter, retry, type Message } from '@mqkit/core';
import { Deliveries, uniqueQueueName, until, within } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { longLease, patience, tag } from './common.js';

export const pullCases: ConformanceCase[] = [
  {
    name: 'pull takes at most max ready messages, runs the processor once, acks them and returns the counts',
    requires: ['pull'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('pull');
      const { ids } = await queue.publish(name, Array.from({ length: 5 }, (_, i) => ({ payload: i })));
      const calls: Array<readonly Message[]> = [];
      const result = await queue.pull(name, (messages) => void calls.push(messages), { max: 3, leaseMs: longLease(ctx) });
      assert.equal(calls.length, 1, 'the processor runs once');
      const taken = calls[0]!.length;
      assert.ok(taken >= 1 && taken <= 3, `took ${taken}: at least one of the ready messages, at most max`);
      assert.deepEqual(result, { received: taken, acked: taken, retried: 0, deadLettered: 0, interrupted: false });
      const all = [...calls[0]!];
      while (all.length < ids.length) {
        const before = all.length;
        await queue.pull(name, (messages) => void all.push(...messages), { max: 3, leaseMs: longLease(ctx) });
        assert.ok(all.length > before, 'each pull on a non-empty queue takes something');
      }
      assert.deepEqual(all.map((m) => m.id).sort(), [...ids].sort(), 'every message pulled exactly once');
      assert.ok(all.every((m) => m.attempt === 1));
      const stats = await queue.stats(name);
      if (stats.ready !== null) assert.equal(stats.ready, 0, 'pulled messages were acked');
      if (stats.inFlight !== null) assert.equal(stats.inFlight, 0);
    },
  },
  {
    name: 'pull on an empty queue returns zeros at once without calling the processor',
    requires: ['pull'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      let called = false;
      const started = Date.now();
      const result = await queue.pull(uniqueQueueName('pull-empty'), () => void (called = true), { max: 10 });
      const elapsed = Date.now() - started;
      assert.deepEqual(result, { received: 0, acked: 0, retried: 0, deadLettered: 0, interrupted: false });
      assert.equal(called, false);
      assert.ok(elapsed < ctx.ms(250), `returned after ${elapsed} ms: it must not wait for messages`);
    },
  },
  {
    name: 'pull with waitMs waits for a message published meanwhile',
    requires: ['pull'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('pull-wait');
      const waitMs = patience(ctx);
      const started = Date.now();
      const publishing = new Promise((resolve) => setTimeout(resolve, ctx.ms(30))).then(() => queue.publish(name, { payload: 'soon' }));
      const seen: Message[] = [];
      const result = await queue.pull(name, (messages) => void seen.push(...messages), { waitMs, leaseMs: longLease(ctx) });
      await publishing;
      assert.equal(result.received, 1);
      assert.equal(result.acked, 1);
      assert.equal(seen[0]?.payload, 'soon');
      assert.ok(Date.now() - started < waitMs, 'it returned when the message came, not at waitMs');
    },
  },
  {
    name: 'pull settles message by message and counts acked, retried and dead-lettered apart',
    requires: ['pull', 'perMessageSettle'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('pull-settle');
      await queue.publish(name, [{ payload: { do: 'ack' } }, { payload: { do: 'retry' } }, { payload: { do: 'dead' } }]);
      const totals = { received: 0, acked: 0, retried: 0, deadLettered: 0 };
      const processor = (messages: readonly Message[]) =>
        messages.map((m) => {
          const what = tag(m.payload).do;
          return what === 'retry' ? retry(new Error('later')) : what === 'dead' ? deadLetter(new Error('never')) : ack();
        });
      // Retries are due in a minute, so each message is pulled once however the provider splits them.
      for (let i = 0; i < 3 && totals.received < 3; i++) {
        const r = await queue.pull(name, processor, { max: 3, leaseMs: longLease(ctx), retry: { backoff: 'fixed', delayMs: 60_000, jitter: 0 } });
        for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += r[key];
      }
      assert.deepEqual(totals, { received: 3, acked: 1, retried: 1, deadLettered: 1 });
    },
  },
  {
    name: 'a pull whose processor times out reports interrupted and retries what it took',
    requires: ['pull'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('pull-timeout');
      await queue.publish(name, { payload: 'slow' });
      const result = await queue.pull(
        name,
        (_m, c) => new Promise<void>((resolve) => c.signal.addEventListener('abort', () => resolve())),
        { timeoutMs: ctx.ms(50), leaseMs: longLease(ctx), retry: { backoff: 'fixed', delayMs: 0, jitter: 0 } },
      );
      assert.deepEqual(result, { received: 1, acked: 0, retried: 1, deadLettered: 0, interrupted: true });
      const again: Message[] = [];
      await queue.pull(name, (messages) => void again.push(...messages), { leaseMs: longLease(ctx) });
      assert.equal(again[0]?.attempt, 2, 'the timed-out message is pulled again as attempt 2');
    },
  },
  {
    name: 'close() ends a pull that is waiting for messages, and the closed queue never processes one published afterwards',
    requires: ['pull'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const other = await ctx.world.createQueue();
      const name = uniqueQueueName('pull-close');
      let called = 0;
      // pull() registers its wait before its first await, so close() below meets a waiting pull.
      const pulling = queue.pull(name, () => void called++, { waitMs: ctx.ms(2_000), leaseMs: longLease(ctx) });
      await queue.close();
      await other.publish(name, { payload: 'after close' });
      const result = await within(pulling, ctx.ms(3_000), 'the pending pull to settle');
      assert.equal(called, 0, 'a closed queue ran a processor');
      assert.equal(result.received, 0);
      const seen = new Deliveries();
      other.consume(name, seen.processor(), { leaseMs: longLease(ctx) });
      await until(() => seen.all.length > 0, patience(ctx), 'the message is still there for a live process');
      assert.equal(seen.all[0]!.message.attempt, 1, 'it was never delivered to the closed queue');
    },
  },
];
