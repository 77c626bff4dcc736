import assert from 'node:assert/strict';
import { PermanentError, type Message } from '@mqkit/core';
import { Deliveries, deferred, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { fastRetry, longLease, patience, tag } from './common.js';

const KEYS = ['k0', 'k1', 'k2', 'k3'];
const PER_KEY = 8;

/** Publish order interleaves the keys: k0#0, k1#0, k2#0, k3#0, k0#1, … */
function interleaved(): Array<{ payload: { key: string; seq: number }; partitionKey: string }> {
  const out = [];
  for (let seq = 0; seq < PER_KEY; seq++) for (const key of KEYS) out.push({ payload: { key, seq }, partitionKey: key });
  return out;
}

const seqOf = (m: Message): number => tag(m.payload).seq as number;
const yieldFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Watches a processor for two messages of one key in flight at once. */
class InFlightByKey {
  readonly #now = new Map<string, number>();
  max = 0;
  enter(messages: readonly Message[]): void {
    for (const m of messages) {
      const n = (this.#now.get(m.partitionKey!) ?? 0) + 1;
      this.#now.set(m.partitionKey!, n);
      this.max = Math.max(this.max, n);
    }
  }
  leave(messages: readonly Message[]): void {
    for (const m of messages) this.#now.set(m.partitionKey!, this.#now.get(m.partitionKey!)! - 1);
  }
}

export const orderingCases: ConformanceCase[] = [
  {
    name: 'with ordered: true and concurrency 4, each partition key is processed in publish order, one at a time, even when some messages are retried',
    requires: ['ordering'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('ordering');
      await queue.publish(name, interleaved());
      const seen = new Deliveries();
      const inFlight = new InFlightByKey();
      const acked = new Map<string, number[]>(KEYS.map((k) => [k, []]));
      queue.consume(
        name,
        seen.processor(async (messages) => {
          inFlight.enter(messages);
          try {
            await yieldFor(Math.floor(Math.random() * 3)); // let other slots interleave
            const m = messages[0]!;
            if (seqOf(m) % 3 === 1 && m.attempt === 1) throw new Error('fail once');
            acked.get(m.partitionKey!)!.push(seqOf(m));
          } finally {
            inFlight.leave(messages);
          }
        }),
        { ordered: true, concurrency: 4, batchSize: 1, leaseMs: longLease(ctx), retry: fastRetry(ctx) },
      );
      const done = (): number => [...acked.values()].reduce((n, list) => n + list.length, 0);
      await until(() => done() === KEYS.length * PER_KEY, patience(ctx), () => `all ${KEYS.length * PER_KEY} acked (got ${done()})`);
      assert.equal(inFlight.max, 1, 'never two messages of one key in flight');
      const inOrder = Array.from({ length: PER_KEY }, (_, i) => i);
      for (const key of KEYS) {
        assert.deepEqual(acked.get(key), inOrder, `key ${key} is processed in publish order`);
        const delivered = seen.all.filter((d) => d.message.partitionKey === key).map((d) => seqOf(d.message));
        const backwards = delivered.findIndex((seq, i) => i > 0 && seq < delivered[i - 1]!);
        assert.equal(backwards, -1, `key ${key}: a later message was delivered before an earlier one was done: ${delivered.join(',')}`);
      }
    },
  },
  {
    name: 'with ordered: true, a batch never holds two messages of one partition key',
    requires: ['ordering'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('ordering');
      await queue.publish(name, interleaved());
      const seen = new Deliveries();
      const inFlight = new InFlightByKey();
      queue.consume(
        name,
        seen.processor(async (messages) => {
          inFlight.enter(messages);
          await yieldFor(1);
          inFlight.leave(messages);
        }),
        { ordered: true, concurrency: 3, batchSize: 4, leaseMs: longLease(ctx) },
      );
      await until(() => seen.ids().size === KEYS.length * PER_KEY, patience(ctx), () => `all delivered (got ${seen.ids().size})`);
      assert.equal(inFlight.max, 1, 'one message per key at a time, also inside a batch');
      for (const key of KEYS) {
        const delivered = seen.all.filter((d) => d.message.partitionKey === key).map((d) => seqOf(d.message));
        assert.deepEqual(delivered, Array.from({ length: PER_KEY }, (_, i) => i), `key ${key} in publish order`);
      }
    },
  },
  {
    name: 'with ordered: true, a partition key held by a slow processor does not hold back other keys',
    requires: ['ordering'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('ordering');
      await queue.publish(name, [
        { payload: { key: 'slow', seq: 0 }, partitionKey: 'slow' },
        { payload: { key: 'slow', seq: 1 }, partitionKey: 'slow' },
        ...[0, 1, 2].map((seq) => ({ payload: { key: 'fast', seq }, partitionKey: 'fast' })),
      ]);
      const hold = deferred();
      const seen = new Deliveries();
      queue.consume(
        name,
        seen.processor(async ([m]) => {
          if (m!.partitionKey === 'slow' && seqOf(m!) === 0) await hold.promise;
        }),
        { ordered: true, concurrency: 2, leaseMs: longLease(ctx) },
      );
      const fast = (): number[] => seen.all.filter((d) => d.message.partitionKey === 'fast').map((d) => seqOf(d.message));
      await until(() => fast().length === 3, patience(ctx), () => `the other key flows while one is held (got ${fast().join(',')})`);
      assert.deepEqual(fast(), [0, 1, 2]);
      assert.deepEqual(seen.all.filter((d) => d.message.partitionKey === 'slow').map((d) => seqOf(d.message)), [0], 'the held key waits');
      hold.resolve();
      await until(() => seen.all.filter((d) => d.message.partitionKey === 'slow').length === 2, patience(ctx), 'the held key continues once released');
    },
  },
  {
    name: 'with ordered: true, a dead-lettered message lets the next message of its key through',
    requires: ['ordering'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('ordering');
      await queue.publish(name, [0, 1, 2].map((seq) => ({ payload: { key: 'k', seq }, partitionKey: 'k' })));
      const seen = new Deliveries();
      queue.consume(
        name,
        seen.processor(([m]) => {
          if (seqOf(m!) === 0) throw new PermanentError('bad head');
        }),
        { ordered: true, concurrency: 2, leaseMs: longLease(ctx) },
      );
      await until(() => seen.all.length === 3, patience(ctx), () => `all three delivered (got ${seen.all.length})`);
      assert.deepEqual(seen.all.map((d) => seqOf(d.message)), [0, 1, 2]);
    },
  },
  {
    name: 'with ordered: true, a key held by a crashed process resumes in order on another process after the lease',
    requires: ['ordering', 'crashRecovery', 'crash'],
    async run(ctx) {
      const leaseMs = ctx.ms(150);
      const crashed = await ctx.world.createQueue();
      const survivor = await ctx.world.createQueue();
      const name = uniqueQueueName('ordering');
      await crashed.publish(name, [0, 1, 2].map((seq) => ({ payload: { key: 'k', seq }, partitionKey: 'k' })));
      const hold = deferred();
      const seenA = new Deliveries();
      crashed.consume(name, seenA.processor(() => hold.promise), { ordered: true, leaseMs, timeoutMs: ctx.ms(60_000) });
      await until(() => seenA.all.length === 1, patience(ctx), 'the first process holds the head of the key');
      const seenB = new Deliveries();
      survivor.consume(name, seenB.processor(), { ordered: true, concurrency: 2, leaseMs });
      await ctx.world.crash(crashed);
      try {
        await until(() => seenB.all.length === 3, leaseMs + patience(ctx), () => `the survivor gets the key (got ${seenB.all.length})`);
      } finally {
        hold.resolve();
      }
      assert.deepEqual(seenB.all.map((d) => [seqOf(d.message), d.message.attempt]), [[0, 2], [1, 1], [2, 1]], 'head first (as attempt 2), then the rest in order');
    },
  },
];
