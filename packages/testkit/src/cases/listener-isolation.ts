import assert from 'node:assert/strict';
import type { LifecycleEventName } from '@mqkit/core';
import { Deliveries, uniqueQueueName, until, within } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { longLease, patience } from './common.js';

interface Reported {
  readonly error: unknown;
  readonly event: LifecycleEventName;
  readonly listener: string;
}

const COUNT = 10;

export const listenerIsolationCases: ConformanceCase[] = [
  {
    name: 'a listener that throws does not break consumption, and its error reaches onLifecycleError',
    async run(ctx) {
      const reported: Reported[] = [];
      const queue = await ctx.world.createQueue({
        lifecycle: [
          {
            name: 'thrower',
            'message.received': () => {
              throw new Error('listener boom');
            },
          },
        ],
        onLifecycleError: (error, info) => void reported.push({ error, ...info }),
      });
      const name = uniqueQueueName('isolation');
      const seen = new Deliveries();
      queue.consume(name, seen.processor(), { concurrency: 2, leaseMs: longLease(ctx) });
      const { ids } = await queue.publish(name, Array.from({ length: COUNT }, (_, i) => ({ payload: i })));
      await until(() => seen.ids().size === COUNT, patience(ctx), () => `all ${COUNT} processed (got ${seen.ids().size})`);
      await queue.close();
      assert.deepEqual(ids.filter((id) => seen.count(id) !== 1), [], 'every message processed exactly once');
      assert.ok(reported.length >= 1, 'the error was reported');
      const first = reported[0]!;
      assert.equal((first.error as Error).message, 'listener boom');
      assert.equal(first.event, 'message.received');
      assert.equal(first.listener, 'thrower');
    },
  },
  {
    name: 'a listener that returns a rejecting or never-settling promise does not slow consumption, and the rejection reaches onLifecycleError',
    async run(ctx) {
      const reported: Reported[] = [];
      const queue = await ctx.world.createQueue({
        lifecycle: [
          {
            name: 'rejecter',
            'message.processed': async () => {
              await Promise.resolve();
              throw new Error('async boom');
            },
          },
          { name: 'hanger', onEvent: () => new Promise<void>(() => undefined) },
        ],
        onLifecycleError: (error, info) => void reported.push({ error, ...info }),
      });
      const name = uniqueQueueName('isolation');
      const seen = new Deliveries();
      queue.consume(name, seen.processor(), { leaseMs: longLease(ctx) });
      await queue.publish(name, Array.from({ length: COUNT }, (_, i) => ({ payload: i })));
      await until(() => seen.ids().size === COUNT, patience(ctx), () => `all ${COUNT} processed (got ${seen.ids().size})`);
      await until(() => reported.some((r) => r.listener === 'rejecter'), patience(ctx), 'the rejection is reported');
      const rejection = reported.find((r) => r.listener === 'rejecter')!;
      assert.equal((rejection.error as Error).message, 'async boom');
      assert.equal(rejection.event, 'message.processed');
      assert.ok(!reported.some((r) => r.listener === 'hanger'), 'a pending promise is not an error');
      await within(queue.close({ timeoutMs: ctx.ms(500) }), ctx.ms(3_000), 'close() despite a hanging listener');
    },
  },
];
