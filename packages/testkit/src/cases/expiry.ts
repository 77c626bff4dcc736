import assert from 'node:assert/strict';
import { Deliveries, nextEvent, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { longLease, patience } from './common.js';

export const expiryCases: ConformanceCase[] = [
  {
    name: 'a message whose expiresAt passes before delivery is never processed and message.expired is emitted',
    requires: ['expiry'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('expiry');
      const ttlMs = ctx.ms(40);
      const expired = nextEvent(queue.lifecycle, 'message.expired', (e) => e.queue === name, patience(ctx));
      const { ids } = await queue.publish(name, [{ payload: 'stale', ttlMs }, { payload: 'fresh', ttlMs: ctx.ms(60_000) }, { payload: 'plain' }]);
      const [stale, fresh, plain] = ids as [string, string, string];
      const expiresAt = Date.now() + ttlMs;
      await until(() => Date.now() > expiresAt + 5, ttlMs + patience(ctx), 'the TTL to pass');
      const seen = new Deliveries();
      queue.consume(name, seen.processor(), { batchSize: 3, leaseMs: longLease(ctx) });
      const event = await expired;
      assert.equal(event.message.id, stale, 'message.expired names the expired message');
      assert.ok(event.message.expiresAt !== undefined && event.message.expiresAt === event.message.createdAt + ttlMs, 'expiresAt = publish time + ttlMs');
      await until(() => seen.count(fresh) === 1 && seen.count(plain) === 1, patience(ctx), 'the unexpired messages are delivered');
      assert.equal(seen.count(stale), 0, 'the expired message is never delivered');
      assert.equal(seen.of(fresh)[0]!.message.expiresAt, seen.of(fresh)[0]!.message.createdAt + ctx.ms(60_000));
    },
  },
];
