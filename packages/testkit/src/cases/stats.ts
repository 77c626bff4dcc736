import assert from 'node:assert/strict';
import { PermanentError, type QueueStats } from '@mqkit/core';
import { deferred, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { longLease, patience } from './common.js';

type Figure = Exclude<keyof QueueStats, 'queue' | 'lagMs'>;

/** Asserts the figures a provider knows (non-null) equal `expected`. */
function assertFigures(stats: QueueStats, expected: Partial<Record<Figure, number>>, when: string): void {
  for (const [figure, value] of Object.entries(expected) as Array<[Figure, number]>) {
    const actual = stats[figure];
    assert.ok(actual === null || typeof actual === 'number', `stats.${figure} is a number or null`);
    if (actual !== null) assert.equal(actual, value, `stats.${figure} ${when}`);
  }
}

export const statsCases: ConformanceCase[] = [
  {
    name: 'stats count ready, delayed, in-flight and dead-lettered messages (null where the provider cannot know)',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('stats');
      const empty = await queue.stats(name);
      assert.equal(empty.queue, name);
      assertFigures(empty, { ready: 0, delayed: 0, inFlight: 0, deadLettered: 0 }, 'of an unused queue');
      assert.ok(empty.lagMs === null || empty.lagMs === 0, 'no lag on an empty queue');

      const delayed = queue.capabilities.delay ? 1 : 0;
      await queue.publish(name, [{ payload: 1 }, { payload: 2 }, { payload: 3 }]);
      if (delayed) await queue.publish(name, { payload: 'later', delayMs: 60_000 });
      assertFigures(await queue.stats(name), { ready: 3, inFlight: 0, deadLettered: 0, ...(delayed ? { delayed: 1 } : {}) }, 'after publishing');
      const publishedAt = Date.now();
      await until(() => Date.now() - publishedAt >= ctx.ms(30), patience(ctx), 'the messages to age');
      const withLag = await queue.stats(name);
      assert.ok(withLag.lagMs === null || withLag.lagMs >= ctx.ms(30), `lagMs ${withLag.lagMs} is at least the age of the oldest ready message`);

      const hold = deferred();
      let calls = 0;
      queue.consume(
        name,
        async () => {
          if (++calls === 1) {
            await hold.promise;
            throw new PermanentError('set aside');
          }
        },
        { leaseMs: longLease(ctx) },
      );
      await until(() => calls === 1, patience(ctx), 'the first message is in flight');
      assertFigures(await queue.stats(name), { ready: 2, inFlight: 1 }, 'while one is in flight');
      hold.resolve();
      const settled = async (): Promise<boolean> => {
        const s = await queue.stats(name);
        return calls === 3 && (s.ready ?? 0) === 0 && (s.inFlight ?? 0) === 0;
      };
      await until(settled, patience(ctx), 'all ready messages processed and settled');
      const expected = { ready: 0, inFlight: 0, ...(delayed ? { delayed: 1 } : {}), ...(queue.capabilities.deadLetterStore ? { deadLettered: 1 } : {}) };
      assertFigures(await queue.stats(name), expected, 'after processing');
    },
  },
];
