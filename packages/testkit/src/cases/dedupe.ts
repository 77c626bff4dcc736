import assert from 'node:assert/strict';
import type { PublishResult, Queue } from '@mqkit/core';
import { Deliveries, collectEvents, deferred, delay, nextEvent, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { longLease, patience } from './common.js';

/** Publishes one message with dedupe key `key`. */
function publishKeyed(queue: Queue, name: string, key: string, payload: unknown = key): Promise<PublishResult> {
  return queue.publish(name, { payload, dedupeKey: key });
}

function assertDuplicateOf(result: PublishResult, id: string, key: string, what: string): void {
  assert.deepEqual(result.duplicates, [{ index: 0, id, dedupeKey: key }], `${what}: reported as a duplicate of the kept message`);
  assert.deepEqual(result.ids, [id], `${what}: ids[0] is the kept id`);
}

function assertAccepted(result: PublishResult, notId: string, what: string): string {
  assert.deepEqual(result.duplicates, [], `${what}: accepted, not a duplicate`);
  assert.notEqual(result.ids[0], notId, `${what}: stored as a new message`);
  return result.ids[0]!;
}

export const dedupeCases: ConformanceCase[] = [
  {
    name: 'a second publish with the same dedupeKey is reported in duplicates with the kept id, and the message is processed once',
    requires: ['dedupe'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const log = collectEvents(queue.lifecycle);
      const name = uniqueQueueName('dedupe');
      const first = await queue.publish(name, { payload: { v: 1 }, dedupeKey: 'order-1' });
      assert.deepEqual(first.duplicates, []);
      const kept = first.ids[0]!;
      const second = await queue.publish(name, [{ payload: { v: 2 }, dedupeKey: 'other' }, { payload: { v: 3 }, dedupeKey: 'order-1' }]);
      assert.equal(second.ids.length, 2, 'one id per input, duplicates included');
      assert.deepEqual(second.duplicates, [{ index: 1, id: kept, dedupeKey: 'order-1' }], 'the duplicate is reported with its index and the kept id');
      assert.equal(second.ids[1], kept, 'ids[i] of a duplicate is the kept id');
      assert.notEqual(second.ids[0], kept);
      const published = log.of('message.published');
      assert.equal(published[1]?.duplicates, 1, 'message.published counts the suppressed one');
      assert.deepEqual(published[1]?.messages.map((m) => m.id), [second.ids[0]], 'and lists only what was stored');

      const seen = new Deliveries();
      queue.consume(name, seen.processor(), { leaseMs: longLease(ctx) });
      await until(() => seen.ids().size === 2, patience(ctx), 'both stored messages delivered');
      await queue.close();
      assert.equal(seen.count(kept), 1, 'the deduplicated message is processed once');
      assert.deepEqual(seen.of(kept)[0]!.message.payload, { v: 1 }, 'the first publish wins');
      assert.equal(seen.of(kept)[0]!.message.dedupeKey, 'order-1');
      assert.equal(seen.all.length, 2);
    },
  },
  {
    name: 'two messages with one dedupeKey in a single batch are stored once',
    requires: ['dedupe'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('dedupe');
      const result = await queue.publish(name, [{ payload: 'a', dedupeKey: 'k' }, { payload: 'b', dedupeKey: 'k' }, { payload: 'c' }]);
      assert.deepEqual(result.duplicates, [{ index: 1, id: result.ids[0], dedupeKey: 'k' }]);
      assert.equal(result.ids[1], result.ids[0]);
      const seen = new Deliveries();
      queue.consume(name, seen.processor(), { leaseMs: longLease(ctx) });
      await until(() => seen.ids().size === 2, patience(ctx), 'the two stored messages delivered');
      await queue.close();
      assert.deepEqual(seen.all.map((d) => d.message.payload).sort(), ['a', 'c']);
    },
  },
  {
    name: 'the same dedupeKey on two different queues does not collide',
    requires: ['dedupe'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const a = await queue.publish(uniqueQueueName('dedupe-a'), { payload: 1, dedupeKey: 'shared' });
      const b = await queue.publish(uniqueQueueName('dedupe-b'), { payload: 2, dedupeKey: 'shared' });
      assert.deepEqual(a.duplicates, []);
      assert.deepEqual(b.duplicates, [], 'dedupe is per queue');
      assert.notEqual(a.ids[0], b.ids[0]);
    },
  },
  {
    name: 'with a dedupe window, a dedupeKey is held while its message is in flight (also past the window), then for the window after the ack, and is free again after it',
    requires: ['dedupe'],
    async run(ctx) {
      const windowMs = ctx.ms(250);
      const queue = await ctx.world.createQueue(undefined, { provider: { dedupeWindowMs: windowMs } });
      const name = uniqueQueueName('dedupe-window');
      const { ids } = await publishKeyed(queue, name, 'order-1');
      const kept = ids[0]!;
      const hold = deferred();
      const seen = new Deliveries();
      queue.consume(
        name,
        seen.processor(async ([m]) => {
          if (m!.id === kept) await hold.promise;
        }),
        { leaseMs: longLease(ctx), timeoutMs: ctx.ms(60_000) },
      );
      await until(() => seen.count(kept) === 1, patience(ctx), 'the first message is in flight');
      await delay(windowMs); // prove a negative: time passing does not free the key of a message still in flight
      assertDuplicateOf(await publishKeyed(queue, name, 'order-1'), kept, 'order-1', 'a publish while the message is in flight, longer than the window after it was published');

      const processed = nextEvent(queue.lifecycle, 'message.processed', (e) => e.messages.some((m) => m.id === kept), patience(ctx));
      const releasedAt = Date.now(); // the ack comes after this
      hold.resolve();
      await processed;
      assertDuplicateOf(await publishKeyed(queue, name, 'order-1'), kept, 'order-1', 'a publish just after the ack, inside the window');

      let accepted: PublishResult | undefined;
      let acceptedAt = 0;
      await until(
        async () => {
          const result = await publishKeyed(queue, name, 'order-1');
          if (result.duplicates.length > 0) {
            assertDuplicateOf(result, kept, 'order-1', 'a publish inside the window'); // until then, always against the kept id
            return false;
          }
          accepted = result;
          acceptedAt = Date.now();
          return true;
        },
        windowMs + patience(ctx),
        'the key to be free again after the window',
      );
      const again = assertAccepted(accepted!, kept, 'the publish after the window');
      assert.ok(acceptedAt - releasedAt >= windowMs, `the key was free ${acceptedAt - releasedAt} ms after the ack, before the ${windowMs} ms window ended`);
      await until(() => seen.count(again) === 1, patience(ctx), 'the message accepted after the window is delivered');
      assert.deepEqual(
        seen.all.map((d) => d.message.id),
        [kept, again],
        'the publishes reported as duplicates stored nothing',
      );
    },
  },
  {
    name: 'with dedupeWindowMs 0, a dedupeKey is held while its message is queued, in flight or waiting for its retry, and is free as soon as it is acked',
    requires: ['dedupe'],
    async run(ctx) {
      const queue = await ctx.world.createQueue(undefined, { provider: { dedupeWindowMs: 0 } });
      const name = uniqueQueueName('dedupe-window');
      const { ids } = await publishKeyed(queue, name, 'order-1');
      const kept = ids[0]!;
      assertDuplicateOf(await publishKeyed(queue, name, 'order-1'), kept, 'order-1', 'a publish while the message is queued');

      const failFirst = deferred();
      const ackSecond = deferred();
      const seen = new Deliveries();
      queue.consume(
        name,
        seen.processor(async ([m]) => {
          if (m!.id !== kept) return;
          if (m!.attempt === 1) {
            await failFirst.promise;
            throw new Error('fails once');
          }
          await ackSecond.promise;
        }),
        { leaseMs: longLease(ctx), timeoutMs: ctx.ms(60_000), retry: { backoff: 'fixed', delayMs: ctx.ms(100), jitter: 0, maxAttempts: 3 } },
      );
      await until(() => seen.count(kept) === 1, patience(ctx), 'the message is in flight');
      assertDuplicateOf(await publishKeyed(queue, name, 'order-1'), kept, 'order-1', 'a publish while the message is in flight');

      const retried = nextEvent(queue.lifecycle, 'message.retried', (e) => e.message.id === kept, patience(ctx));
      failFirst.resolve();
      await retried;
      // Waiting for its retry, or already redelivered and held by the processor: live either way.
      assertDuplicateOf(await publishKeyed(queue, name, 'order-1'), kept, 'order-1', 'a publish while the message waits for its retry');
      await until(() => seen.count(kept) === 2, patience(ctx), 'the retry is in flight');
      assertDuplicateOf(await publishKeyed(queue, name, 'order-1'), kept, 'order-1', 'a publish while the retry is in flight');

      const processed = nextEvent(queue.lifecycle, 'message.processed', (e) => e.messages.some((m) => m.id === kept), patience(ctx));
      ackSecond.resolve();
      await processed;
      const again = assertAccepted(await publishKeyed(queue, name, 'order-1'), kept, 'the first publish after the ack');
      await until(() => seen.count(again) === 1, patience(ctx), 'the message accepted after the ack is delivered');
      assert.deepEqual(
        seen.all.map((d) => d.message.id),
        [kept, kept, again],
        'the publishes reported as duplicates stored nothing',
      );
    },
  },
];
