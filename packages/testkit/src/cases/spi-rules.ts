import assert from 'node:assert/strict';
import { ErrorCode, isMqkitError } from '@mqkit/core';
import { assertMqkitError, uniqueQueueName } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { longLease } from './common.js';

const aborted = (): AbortSignal => {
  const c = new AbortController();
  c.abort();
  return c.signal;
};

/** Rules of the SPI checked on the provider itself (through a queue that opened it). */
export const spiRuleCases: ConformanceCase[] = [
  {
    name: 'receive with an already-aborted signal still takes what is ready, and resolves null at once when nothing is',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const provider = ctx.world.provider(queue);
      const name = uniqueQueueName('spi-aborted');
      const receiver = provider.receiver(name, { consumerId: 'spi-test', leaseMs: longLease(ctx), maxAttempts: 5, ordered: false });
      try {
        assert.equal(await receiver.receive(5, aborted()), null, 'nothing ready: null at once');
        const { ids } = await queue.publish(name, [{ payload: 1 }, { payload: 2 }]);
        const claim = await receiver.receive(5, aborted());
        assert.ok(claim !== null, 'what is ready is taken although the signal is aborted');
        assert.deepEqual(claim.messages.map((m) => m.id).sort(), [...ids].sort());
        await receiver.settle(claim, { ack: claim.messages, retry: [], deadLetter: [], release: [] });
      } finally {
        await receiver.close();
      }
    },
  },
  {
    name: 'Receiver.close() is idempotent, ends a waiting receive with null, and a settle after it still applies',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const provider = ctx.world.provider(queue);
      const name = uniqueQueueName('spi-close');
      const receiver = provider.receiver(name, { consumerId: 'spi-test', leaseMs: longLease(ctx), maxAttempts: 5, ordered: false });
      await queue.publish(name, { payload: 1 });
      const claim = await receiver.receive(1, aborted());
      assert.ok(claim !== null);
      const waiting = receiver.receive(1, new AbortController().signal);
      await receiver.close();
      await receiver.close();
      assert.equal(await waiting, null, 'a waiting receive resolves null on close');
      await receiver.settle(claim, { ack: claim.messages, retry: [], deadLetter: [], release: [] });
      const stats = await queue.stats(name);
      if (stats.inFlight !== null) assert.equal(stats.inFlight, 0, 'the settle after close was applied');
    },
  },
  {
    name: 'a settle or renew of a claim already settled is fenced with LeaseLostError and changes nothing',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const provider = ctx.world.provider(queue);
      const name = uniqueQueueName('spi-fence');
      const receiver = provider.receiver(name, { consumerId: 'spi-test', leaseMs: longLease(ctx), maxAttempts: 5, ordered: false });
      try {
        await queue.publish(name, { payload: 1 });
        const claim = await receiver.receive(1, aborted());
        assert.ok(claim !== null);
        await receiver.settle(claim, { ack: [], retry: [], deadLetter: [], release: claim.messages });
        const again = await receiver.receive(1, aborted());
        assert.ok(again !== null, 'the released message is deliverable again');
        await assert.rejects(() => receiver.settle(claim, { ack: claim.messages, retry: [], deadLetter: [], release: [] }), (e: unknown) => isMqkitError(e, ErrorCode.LeaseLost));
        if (queue.capabilities.leaseExtension) {
          await assert.rejects(() => receiver.renew(claim, 1_000), (e: unknown) => isMqkitError(e, ErrorCode.LeaseLost));
        }
        await receiver.settle(again, { ack: again.messages, retry: [], deadLetter: [], release: [] });
      } finally {
        await receiver.close();
      }
    },
  },
  {
    name: 'a publisher-given id the queue already holds is refused with a DuplicateIdError naming messages[i].id, and nothing of the batch is stored',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('dup-id');
      await queue.publish(name, { payload: 'first', id: 'order-7' });
      const error = await assertMqkitError(
        () => queue.publish(name, [{ payload: 'other' }, { payload: 'again', id: 'order-7' }]),
        { name: 'DuplicateIdError', code: ErrorCode.DuplicateId, field: 'messages[1].id' },
        'publishing an id the queue holds',
      );
      assert.match(error.message, /order-7/);
      const stats = await queue.stats(name);
      if (stats.ready !== null) assert.equal(stats.ready, 1, 'none of the refused batch was stored');
      await assertMqkitError(
        () => queue.publish(name, [{ payload: 'a', id: 'x-1' }, { payload: 'b', id: 'x-1' }]),
        { name: 'DuplicateIdError', code: ErrorCode.DuplicateId, field: 'messages[1].id' },
        'one id twice in a batch',
      );
    },
  },
];
