import assert from 'node:assert/strict';
import { ErrorCode } from '@mqkit/core';
import { Deliveries, assertMqkitError, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { fastRetry, longLease, patience, tag } from './common.js';

export const payloadIsolationCases: ConformanceCase[] = [
  {
    name: 'each delivery carries the payload as published: mutating the published object or a delivered payload changes no later delivery',
    requires: ['isolatedPayloads'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('isolation');
      const payload = { count: 1, tags: ['a'] };
      const { ids } = await queue.publish(name, { payload });
      payload.count = 99; // the publisher reuses its object
      payload.tags.push('changed by publisher');
      const seen = new Deliveries();
      const snapshots: unknown[] = [];
      queue.consume(
        name,
        seen.processor(([m]) => {
          snapshots.push(structuredClone(m!.payload));
          const p = tag(m!.payload);
          p.count = -1; // a processor scribbles on what it got, then fails
          (p.tags as string[]).push('changed by processor');
          if (m!.attempt === 1) throw new Error('retry me');
        }),
        { leaseMs: longLease(ctx), retry: fastRetry(ctx) },
      );
      await until(() => seen.count(ids[0]!) === 2, patience(ctx), 'two deliveries');
      const original = { count: 1, tags: ['a'] };
      assert.deepEqual(snapshots[0], original, 'the first delivery is the payload as it was published');
      assert.deepEqual(snapshots[1], original, 'the redelivery is not affected by what the processor did to the first');
    },
  },
  {
    name: "a payload that cannot be serialized (BigInt, a cycle) is refused at publish with a ValidationError naming 'messages[i].payload', and none of the batch is stored",
    requires: ['isolatedPayloads'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('isolation');
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      const invalid = (field: string) => ({ name: 'ValidationError', code: ErrorCode.Validation, field });
      await assertMqkitError(() => queue.publish(name, [{ payload: 'fine' }, { payload: { n: 10n } }]), invalid('messages[1].payload'), 'a BigInt payload');
      await assertMqkitError(() => queue.publish(name, [{ payload: cyclic }]), invalid('messages[0].payload'), 'a cyclic payload');
      const stats = await queue.stats(name);
      if (stats.ready !== null) assert.equal(stats.ready, 0, 'nothing of a refused batch is stored');
    },
  },
];
