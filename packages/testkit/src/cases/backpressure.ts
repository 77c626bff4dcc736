import assert from 'node:assert/strict';
import { ErrorCode, type OutgoingMessage, type Queue } from '@mqkit/core';
import { Deliveries, assertMqkitError, delay, uniqueQueueName, until, within } from '../helpers/index.js';
import type { CaseContext, ConformanceCase } from '../types.js';
import { longLease, patience } from './common.js';

const CAPACITY = 3;

function batch(n: number, prefix: string): OutgoingMessage[] {
  return Array.from({ length: n }, (_, i) => ({ payload: `${prefix}-${i}` }));
}

/** A queue on a provider of capacity {@link CAPACITY}, and a queue name filled up to it. */
async function fullQueue(ctx: CaseContext, prefix: string): Promise<{ queue: Queue; name: string; fill: readonly string[] }> {
  const queue = await ctx.world.createQueue(undefined, { provider: { capacity: CAPACITY } });
  const name = uniqueQueueName(prefix);
  const { ids } = await queue.publish(name, batch(CAPACITY, 'fill'), { onFull: 'reject' });
  const stats = await queue.stats(name);
  if (stats.ready !== null) assert.equal(stats.ready, CAPACITY, 'the queue holds what fills it');
  return { queue, name, fill: ids };
}

/** A promise and whether it has settled yet. */
function track<T>(promise: Promise<T>): { readonly promise: Promise<T>; state(): 'pending' | 'resolved' | 'rejected' } {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  return { promise, state: () => state };
}

/** Consumes everything and checks exactly `ids` were delivered, each once. */
async function assertDeliveredExactly(ctx: CaseContext, queue: Queue, name: string, ids: readonly string[]): Promise<Deliveries> {
  const seen = new Deliveries();
  queue.consume(name, seen.processor(), { leaseMs: longLease(ctx) });
  await until(() => ids.every((id) => seen.count(id) >= 1), patience(ctx), () => `the ${ids.length} stored messages are delivered (got ${seen.ids().size})`);
  await delay(ctx.ms(100)); // prove a negative: nothing else was stored
  assert.deepEqual(
    seen.all.map((d) => d.message.id).sort(),
    [...ids].sort(),
    `exactly the stored messages are delivered, once each (got ${seen.all.map((d) => String(d.message.payload)).join(', ')})`,
  );
  return seen;
}

export const backpressureCases: ConformanceCase[] = [
  {
    name: "a publish to a queue at its capacity with onFull: 'reject' throws QueueFullError (MQKIT_QUEUE_FULL, naming the queue and capacity) and stores nothing",
    requires: ['backpressure'],
    async run(ctx) {
      const { queue, name, fill } = await fullQueue(ctx, 'capacity');
      const error = await assertMqkitError(
        () => queue.publish(name, { payload: 'one too many' }, { onFull: 'reject' }),
        { name: 'QueueFullError', code: ErrorCode.QueueFull },
        'a publish to a full queue',
      );
      const full = error as Error & { queue?: unknown; capacity?: unknown; retryable?: unknown };
      assert.equal(full.queue, name, 'the error names the queue');
      assert.equal(full.capacity, CAPACITY, 'the error names the capacity');
      assert.equal(full.retryable, true, 'a full queue is a retryable condition');
      await assertMqkitError(
        () => queue.publish(name, batch(2, 'batch too many'), { onFull: 'reject' }),
        { name: 'QueueFullError', code: ErrorCode.QueueFull },
        'a batch published to a full queue',
      );
      const stats = await queue.stats(name);
      if (stats.ready !== null) assert.equal(stats.ready, CAPACITY, 'the refused publishes stored nothing');
      await assertDeliveredExactly(ctx, queue, name, fill);
    },
  },
  {
    name: 'a publish to a queue at its capacity waits by default until a consumer takes messages, then stores its message, which is delivered',
    requires: ['backpressure'],
    async run(ctx) {
      const { queue, name, fill } = await fullQueue(ctx, 'capacity');
      const late = track(queue.publish(name, { payload: 'late' }));
      await delay(ctx.ms(50)); // prove a negative: the publish does not get in while the queue is full
      assert.equal(late.state(), 'pending', 'the publish waits for room');
      const stats = await queue.stats(name);
      if (stats.ready !== null) assert.equal(stats.ready, CAPACITY, 'the waiting publish stored nothing yet');
      const seen = new Deliveries();
      queue.consume(name, seen.processor(), { leaseMs: longLease(ctx) });
      const { ids, duplicates } = await within(late.promise, patience(ctx), 'the waiting publish resolves once a consumer takes messages');
      assert.deepEqual(duplicates, []);
      const all = [...fill, ids[0]!];
      await until(() => all.every((id) => seen.count(id) >= 1), patience(ctx), () => `all ${all.length} delivered (got ${seen.ids().size})`);
      await delay(ctx.ms(100)); // prove a negative: nothing is delivered twice
      assert.deepEqual(seen.all.map((d) => d.message.id).sort(), all.sort(), 'each message, the late one included, is delivered once');
      assert.equal(seen.of(ids[0]!)[0]!.message.payload, 'late');
    },
  },
  {
    name: 'a publish waiting for room rejects when its signal aborts, and its message is never stored',
    requires: ['backpressure'],
    async run(ctx) {
      const { queue, name, fill } = await fullQueue(ctx, 'capacity');
      const controller = new AbortController();
      const cancelled = track(queue.publish(name, { payload: 'cancelled' }, { signal: controller.signal }));
      await delay(ctx.ms(50)); // prove a negative: the publish does not get in while the queue is full
      assert.equal(cancelled.state(), 'pending', 'the publish waits for room');
      controller.abort(new Error('the caller gave up'));
      const outcome = await within(
        cancelled.promise.then(
          () => 'resolved',
          () => 'rejected',
        ),
        patience(ctx),
        'the aborted publish settles',
      );
      assert.equal(outcome, 'rejected', 'an aborted wait for room rejects');
      // Room appears once the consumer takes messages: the aborted publish must not slip in then.
      await assertDeliveredExactly(ctx, queue, name, fill);
    },
  },
];
