import assert from 'node:assert/strict';
import { ack, type Message, type ProcessorResult } from '@mqkit/core';
import { Deliveries, collectEvents, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { fastRetry, longLease, patience, tag } from './common.js';

/** What a processor does with a message, by its payload's `do`. */
type Behaviour = 'ok' | 'throw-string' | 'throw-undefined' | 'throw-null' | 'throw-object' | 'return-number' | 'return-object' | 'return-too-many' | 'return-null-entry' | 'never';

const BEHAVIOURS: readonly Behaviour[] = ['ok', 'throw-string', 'throw-undefined', 'throw-null', 'throw-object', 'return-number', 'return-object', 'return-too-many', 'return-null-entry', 'never'];

function behave(messages: readonly Message[]): Promise<ProcessorResult> | ProcessorResult {
  const what = tag(messages[0]!.payload).do as Behaviour;
  switch (what) {
    case 'ok':
      return undefined;
    case 'throw-string':
      throw 'a string, not an Error'; // eslint-disable-line @typescript-eslint/only-throw-error
    case 'throw-undefined':
      throw undefined; // eslint-disable-line @typescript-eslint/only-throw-error
    case 'throw-null':
      throw null; // eslint-disable-line @typescript-eslint/only-throw-error
    case 'throw-object':
      throw { reason: 'a plain object' }; // eslint-disable-line @typescript-eslint/only-throw-error
    case 'return-number':
      return 42 as unknown as ProcessorResult;
    case 'return-object':
      return { kind: 'ack' } as unknown as ProcessorResult;
    case 'return-too-many':
      return [ack(), ack()];
    case 'return-null-entry':
      return [null] as unknown as ProcessorResult;
    case 'never':
      return new Promise<never>(() => undefined);
  }
}

export const hostileProcessorCases: ConformanceCase[] = [
  {
    name: 'hostile processors (throwing non-Errors, returning garbage, never settling) leave every message processed or dead-lettered, and the consumer running',
    timeoutMs: 20_000,
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const log = collectEvents(queue.lifecycle);
      const name = uniqueQueueName('hostile');
      const maxAttempts = 2;
      // Two of each, but one that never settles: a processor that ignores its signal keeps its
      // slot for good (by design), so each of its deliveries takes one of the six slots away.
      const input = BEHAVIOURS.flatMap((b) => (b === 'never' ? [0] : [0, 1]).map((i) => ({ payload: { do: b, i } })));
      const { ids } = await queue.publish(name, input);
      const seen = new Deliveries();
      const consumer = queue.consume(name, seen.processor(behave), {
        concurrency: 6,
        batchSize: 1,
        timeoutMs: ctx.ms(60),
        leaseMs: longLease(ctx),
        retry: fastRetry(ctx, { maxAttempts }),
      });
      const settled = (): Set<string> =>
        new Set([...log.of('message.processed').flatMap((e) => e.messages.map((m) => m.id)), ...log.of('message.dead-lettered').map((e) => e.message.id)]);
      await until(() => ids.every((id) => settled().has(id)), patience(ctx) * 2, () => `every message accounted for (${settled().size} of ${ids.length})`);
      assert.equal(consumer.state, 'running', 'the consumer keeps running');
      const dead = new Map(log.of('message.dead-lettered').map((e) => [e.message.id, e]));
      ids.forEach((id, i) => {
        const b = input[i]!.payload.do;
        if (b === 'ok') assert.ok(!dead.has(id), `a good message (${b}) is acked`);
        else {
          assert.ok(dead.has(id), `${b}: dead-lettered after its attempts`);
          assert.equal(dead.get(id)!.reason, 'max-attempts', `${b}: as a failure, retried first`);
          assert.equal(seen.count(id), maxAttempts, `${b}: delivered maxAttempts times`);
        }
      });
      // And it still works for an ordinary message afterwards.
      const { ids: after } = await queue.publish(name, { payload: { do: 'ok' } });
      await until(() => settled().has(after[0]!), patience(ctx), 'a message published afterwards is processed');
    },
  },
];
