import assert from 'node:assert/strict';
import { ack, deadLetter, retry } from '@mqkit/core';
import { Deliveries, collectEvents, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { fastRetry, longLease, patience, tag } from './common.js';

export const batchSettleCases: ConformanceCase[] = [
  {
    name: 'a batch settled message by message acks one, retries one (attempt 2) and dead-letters one, without failing the others',
    requires: ['perMessageSettle'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const log = collectEvents(queue.lifecycle);
      const name = uniqueQueueName('batch-settle');
      const { ids } = await queue.publish(name, [{ payload: { do: 'ack' } }, { payload: { do: 'retry' } }, { payload: { do: 'dead' } }]);
      const [ackId, retryId, deadId] = ids as [string, string, string];
      const seen = new Deliveries();
      queue.consume(
        name,
        seen.processor((messages) =>
          messages.map((m) => {
            const what = tag(m.payload).do;
            if (what === 'retry' && m.attempt === 1) return retry(new Error('try again'));
            if (what === 'dead') return deadLetter(new Error('bad message'));
            return ack();
          }),
        ),
        { batchSize: 3, leaseMs: longLease(ctx), retry: fastRetry(ctx) },
      );
      await until(
        () => log.of('message.processed').flatMap((e) => e.messages).filter((m) => m.id === ackId || m.id === retryId).length === 2 && log.of('message.dead-lettered').length === 1,
        patience(ctx),
        () => `ack + retry processed and one dead letter (events: ${log.events.map((e) => e.type).join(', ')})`,
      );
      assert.equal(seen.count(ackId), 1, 'the acked message is delivered once');
      assert.deepEqual(seen.of(retryId).map((d) => d.message.attempt), [1, 2], 'the retried message comes back once, with attempt 2');
      assert.equal(seen.count(deadId), 1, 'the dead-lettered message is not delivered again');
      const dead = log.of('message.dead-lettered')[0]!;
      assert.equal(dead.message.id, deadId);
      assert.equal(dead.reason, 'explicit', "a deadLetter() outcome has reason 'explicit'");
      assert.equal(dead.error.message, 'bad message');
      const retried = log.of('message.retried');
      assert.deepEqual(retried.map((e) => e.message.id), [retryId], 'only the retried message raises message.retried');
    },
  },
  {
    name: 'undefined entries in an outcome array (or a short array) ack their messages',
    requires: ['perMessageSettle'],
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const log = collectEvents(queue.lifecycle);
      const name = uniqueQueueName('batch-settle');
      const { ids } = await queue.publish(name, [{ payload: 0 }, { payload: 1 }, { payload: 2 }]);
      const seen = new Deliveries();
      queue.consume(
        name,
        seen.processor((messages) => {
          // `undefined` for every message but the first delivery of payload 1; trailing entries cut off.
          const outcomes = messages.map((m) => (m.payload === 1 && m.attempt === 1 ? retry(new Error('again')) : undefined));
          while (outcomes.length > 0 && outcomes[outcomes.length - 1] === undefined) outcomes.pop();
          return outcomes;
        }),
        { batchSize: 3, leaseMs: longLease(ctx), retry: fastRetry(ctx) },
      );
      const processedIds = (): Set<string> => new Set(log.of('message.processed').flatMap((e) => e.messages.map((m) => m.id)));
      await until(() => ids.every((id) => processedIds().has(id)), patience(ctx), () => `all three acked (acked: ${[...processedIds()].length})`);
      assert.equal(seen.count(ids[0]!), 1);
      assert.equal(seen.count(ids[1]!), 2, 'the retried one came back once');
      assert.equal(seen.count(ids[2]!), 1, 'the entry past the end of the outcome array was acked');
    },
  },
];
