import assert from 'node:assert/strict';
import { PermanentError, type Queue } from '@mqkit/core';
import { Deliveries, nextEvent, uniqueQueueName, until } from '../helpers/index.js';
import type { CaseContext, ConformanceCase } from '../types.js';
import { longLease, patience } from './common.js';

/** Publishes `count` messages and dead-letters each on its first delivery; ids in `acked` are acked instead. */
async function deadLettered(ctx: CaseContext, count: number) {
  const queue = await ctx.world.createQueue();
  const name = uniqueQueueName('replay');
  const acked = new Set<string>();
  let dead = 0;
  queue.lifecycle.add({ 'message.dead-lettered': () => void dead++ });
  const { ids } = await queue.publish(name, Array.from({ length: count }, (_, i) => ({ payload: { i } })));
  const seen = new Deliveries();
  queue.consume(
    name,
    seen.processor(([m]) => {
      if (!acked.has(m!.id)) throw new PermanentError('rejected');
    }),
    { leaseMs: longLease(ctx) },
  );
  await until(() => dead === count, patience(ctx), () => `${count} dead letters (got ${dead})`);
  return { queue, name, ids, acked, seen };
}

async function listAll(queue: Queue, name: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await queue.deadLetters.list(name, { limit: 100, cursor });
    ids.push(...page.items.map((d) => d.message.id));
    cursor = page.next;
  } while (cursor !== undefined);
  return ids;
}

export const replayCases: ConformanceCase[] = [
  {
    name: 'list pages through dead letters with a cursor',
    requires: ['deadLetterStore'],
    async run(ctx) {
      const { queue, name, ids } = await deadLettered(ctx, 5);
      const first = await queue.deadLetters.list(name, { limit: 2 });
      assert.equal(first.items.length, 2, 'a page holds at most `limit` items');
      assert.equal(typeof first.next, 'string', 'a full page has a next cursor');
      const second = await queue.deadLetters.list(name, { limit: 2, cursor: first.next });
      assert.equal(second.items.length, 2);
      const third = await queue.deadLetters.list(name, { limit: 2, cursor: second.next });
      assert.equal(third.items.length, 1);
      assert.equal(third.next, undefined, 'the last page has no cursor');
      const listed = [...first.items, ...second.items, ...third.items].map((d) => d.message.id);
      assert.deepEqual([...listed].sort(), [...ids].sort(), 'the pages hold every dead letter exactly once');
      const other = await queue.deadLetters.list(uniqueQueueName('replay-empty'));
      assert.deepEqual(other.items, [], 'another queue has no dead letters');
      assert.equal(other.next, undefined);
    },
  },
  {
    name: 'a replayed dead letter comes back with attempt 1, the same id and payload, and leaves the store',
    requires: ['deadLetterStore'],
    async run(ctx) {
      const { queue, name, ids, acked, seen } = await deadLettered(ctx, 3);
      const [target, ...rest] = ids as [string, ...string[]];
      acked.add(target);
      const replayedEvent = nextEvent(queue.lifecycle, 'message.replayed', (e) => e.queue === name, patience(ctx));
      const processed = nextEvent(queue.lifecycle, 'message.processed', (e) => e.messages.some((m) => m.id === target), patience(ctx));
      const result = await queue.deadLetters.replay(name, { ids: [target] });
      assert.equal(result.replayed, 1);
      assert.equal((await replayedEvent).count, 1, 'message.replayed reports the count');
      await processed;
      const [original, again] = seen.of(target);
      assert.ok(original && again, 'delivered again after replay');
      assert.equal(again.message.attempt, 1, 'the attempt count is reset');
      assert.deepEqual(again.message.payload, original.message.payload);
      assert.deepEqual((await listAll(queue, name)).sort(), [...rest].sort(), 'the replayed message left the store');
      const unknown = await queue.deadLetters.replay(name, { ids: ['no-such-id'] });
      assert.equal(unknown.replayed, 0, 'replaying an unknown id replays nothing');
      for (const id of rest) acked.add(id);
      const limited = await queue.deadLetters.replay(name, { limit: 1 });
      assert.equal(limited.replayed, 1, 'limit bounds a replay');
      assert.equal((await listAll(queue, name)).length, rest.length - 1);
    },
  },
  {
    name: 'purge removes the selected dead letters, then all of them',
    requires: ['deadLetterStore'],
    async run(ctx) {
      const { queue, name, ids } = await deadLettered(ctx, 3);
      const one = await queue.deadLetters.purge(name, { ids: [ids[0]!] });
      assert.equal(one.purged, 1);
      assert.deepEqual((await listAll(queue, name)).sort(), ids.slice(1).sort());
      const rest = await queue.deadLetters.purge(name);
      assert.equal(rest.purged, 2);
      const page = await queue.deadLetters.list(name);
      assert.deepEqual(page.items, [], 'the store is empty');
      const stats = await queue.stats(name);
      if (stats.deadLettered !== null) assert.equal(stats.deadLettered, 0);
      assert.equal((await queue.deadLetters.replay(name)).replayed, 0, 'nothing left to replay');
    },
  },
];
