import assert from 'node:assert/strict';
import { PermanentError, type Message } from '@mqkit/core';
import { Deliveries, deferred, delay, nextEvent, uniqueQueueName, until } from '../helpers/index.js';
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

/** Watches a processor for two claims holding one key at once (a claim may carry several messages of its key). */
class ClaimsByKey {
  readonly #now = new Map<string, number>();
  max = 0;
  enter(messages: readonly Message[]): void {
    for (const key of new Set(messages.map((m) => m.partitionKey!))) {
      const n = (this.#now.get(key) ?? 0) + 1;
      this.#now.set(key, n);
      this.max = Math.max(this.max, n);
    }
  }
  leave(messages: readonly Message[]): void {
    for (const key of new Set(messages.map((m) => m.partitionKey!))) this.#now.set(key, this.#now.get(key)! - 1);
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
    name: 'with ordered: true and batches, no two claims hold one partition key at once, and each key is processed in publish order',
    requires: ['ordering'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('ordering');
      await queue.publish(name, interleaved());
      const seen = new Deliveries();
      const claims = new ClaimsByKey();
      queue.consume(
        name,
        seen.processor(async (messages) => {
          claims.enter(messages);
          await yieldFor(1);
          claims.leave(messages);
        }),
        { ordered: true, concurrency: 3, batchSize: 4, leaseMs: longLease(ctx) },
      );
      await until(() => seen.ids().size === KEYS.length * PER_KEY, patience(ctx), () => `all delivered (got ${seen.ids().size})`);
      // A claim may carry several messages of one key (a stream shard does), never two claims one key.
      assert.equal(claims.max, 1, 'one claim per key at a time');
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
  {
    name: 'with ordered: true, delayed messages of one partition key are processed in due order (runAt, then publish order), one claim at a time',
    requires: ['ordering', 'delay'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('ordering-delay');
      const t0 = Date.now();
      const soon = t0 + ctx.ms(50);
      // Publish order k#0…k#3; due order k#1 (now), k#2 and k#3 (same runAt: publish order), k#0 (last).
      const { ids } = await queue.publish(name, [
        { payload: { key: 'k', seq: 0 }, partitionKey: 'k', delayMs: ctx.ms(150) },
        { payload: { key: 'k', seq: 1 }, partitionKey: 'k' },
        { payload: { key: 'k', seq: 2 }, partitionKey: 'k', runAt: soon },
        { payload: { key: 'k', seq: 3 }, partitionKey: 'k', runAt: new Date(soon) },
      ]);
      const lastDue = Date.now() + ctx.ms(150); // k#0's runAt is its publish time + 150 ms, so not after this
      const hold = deferred();
      const claims = new ClaimsByKey();
      const seen = new Deliveries();
      queue.consume(
        name,
        seen.processor(async (messages) => {
          claims.enter(messages);
          try {
            if (seen.batches === 1) await hold.promise; // the key's first claim holds it until every other message is due
            await yieldFor(1);
          } finally {
            claims.leave(messages);
          }
        }),
        { ordered: true, concurrency: 3, batchSize: 4, leaseMs: longLease(ctx), timeoutMs: ctx.ms(60_000) },
      );
      await until(() => seen.all.length >= 1, patience(ctx), 'the due message of the key is delivered');
      await until(
        async () => {
          if (Date.now() < lastDue) return false;
          const stats = await queue.stats(name);
          return stats.delayed === null || stats.delayed === 0;
        },
        lastDue - Date.now() + patience(ctx),
        'every message of the key is due',
      );
      await delay(ctx.ms(50)); // prove a negative: while the key is held, no other claim gets a message of it
      assert.deepEqual(seen.all.map((d) => seqOf(d.message)), [1], 'only the message that was due at once is delivered while its claim is held');
      hold.resolve();
      await until(() => seen.ids().size === ids.length, patience(ctx), () => `every message of the key processed (got ${seen.all.length})`);
      assert.deepEqual(seen.all.map((d) => seqOf(d.message)), [1, 2, 3, 0], 'processed by runAt, then publish order');
      assert.equal(claims.max, 1, 'never two claims holding the key at once');
      for (const d of seen.all) {
        assert.equal(d.message.attempt, 1);
        assert.ok(d.at >= d.message.runAt, `k#${seqOf(d.message)} was delivered ${d.message.runAt - d.at} ms before its runAt`);
      }
    },
  },
  {
    name: 'with ordered: true, a processor that times out and ignores its signal keeps its partition key until it returns: no other process gets the key meanwhile',
    requires: ['ordering', 'leaseExtension', 'concurrentConsumers'],
    async run(ctx) {
      const leaseMs = ctx.ms(150);
      const timeoutMs = ctx.ms(60);
      const name = uniqueQueueName('ordering-overrun');
      const queue = await ctx.world.createQueue();
      const other = await ctx.world.createQueue();
      await queue.publish(name, [0, 1].map((seq) => ({ payload: { key: 'k', seq }, partitionKey: 'k' })));
      const hold = deferred();
      const seenA = new Deliveries();
      const overrun = nextEvent(queue.lifecycle, 'processor.overrun', undefined, patience(ctx));
      const timedOut = nextEvent(queue.lifecycle, 'processor.timeout', undefined, patience(ctx));
      queue.consume(
        name,
        seenA.processor(async ([m]) => {
          if (seqOf(m!) === 0 && m!.attempt === 1) await hold.promise; // ignores ctx.signal
        }),
        { ordered: true, concurrency: 2, leaseMs, timeoutMs, retry: fastRetry(ctx) },
      );
      await until(() => seenA.all.length === 1, patience(ctx), 'the first process holds the head of the key'); // before the other can claim it
      const seenB = new Deliveries();
      other.consume(name, seenB.processor(), { ordered: true, concurrency: 2, leaseMs, retry: fastRetry(ctx) });
      await timedOut;
      await delay(leaseMs * 3); // prove a negative: past several leases, nobody gets the key
      const during = [...seenA.all, ...seenB.all].map((d) => [seqOf(d.message), d.message.attempt]);
      assert.deepEqual(during, [[0, 1]], 'only the timed-out message of the key was ever delivered while its processor ran');
      hold.resolve();
      await overrun;
      await until(() => [...seenA.all, ...seenB.all].length === 3, patience(ctx), 'the key continues once the processor returned');
      const after = [...seenA.all, ...seenB.all].sort((a, b) => a.at - b.at).map((d) => [seqOf(d.message), d.message.attempt]);
      assert.deepEqual(after, [[0, 1], [0, 2], [1, 1]], 'the timed-out message is retried first (attempt 2), then the next of its key');
    },
  },
];
