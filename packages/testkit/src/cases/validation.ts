import assert from 'node:assert/strict';
import { ErrorCode, type OutgoingMessage, type QueueConfig } from '@mqkit/core';
import { Deliveries, assertMqkitError, uniqueQueueName, until } from '../helpers/index.js';
import type { ConformanceCase } from '../types.js';
import { longLease, patience } from './common.js';

const config = (field: string) => ({ name: 'ConfigError', code: ErrorCode.Config, field });
const invalid = (field: string) => ({ name: 'ValidationError', code: ErrorCode.Validation, field });

/** Lets a case pass deliberately bad input through the typed API. */
const loose = <T>(value: unknown): T => value as T;

export const validationCases: ConformanceCase[] = [
  {
    name: 'createQueue rejects an unknown option and a bad default with a ConfigError naming the field',
    async run(ctx) {
      await assertMqkitError(() => ctx.world.createQueue(loose<Omit<QueueConfig, 'provider'>>({ bogus: true })), config('bogus'), 'unknown createQueue option');
      await assertMqkitError(
        () => ctx.world.createQueue({ defaults: { concurrency: 0 } }),
        config('defaults.concurrency'),
        'defaults.concurrency: 0',
      );
    },
  },
  {
    name: 'consume rejects concurrency: 0, a bad retry policy and unknown keys with a ConfigError naming the dotted path (consume.…)',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('validation');
      const noop = (): void => undefined;
      // ConfigError.field is documented as a dotted path, e.g. `consume.retry.maxAttempts`.
      await assertMqkitError(() => queue.consume(name, noop, { concurrency: 0 }), config('consume.concurrency'), 'concurrency: 0');
      await assertMqkitError(() => queue.consume(name, noop, { retry: { maxAttempts: 0 } }), config('consume.retry.maxAttempts'), 'retry.maxAttempts: 0');
      await assertMqkitError(() => queue.consume(name, noop, loose({ concurency: 2 })), config('consume.concurency'), 'a misspelt option');
    },
  },
  {
    name: "a batch with a message missing its payload is rejected with a ValidationError naming 'messages[1].payload', and none of it is stored",
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('validation');
      await assertMqkitError(
        () => queue.publish(name, loose<OutgoingMessage[]>([{ payload: 'fine' }, { type: 'no-payload' }])),
        invalid('messages[1].payload'),
        'missing payload',
      );
      const { ids } = await queue.publish(name, { payload: 'sentinel' });
      const seen = new Deliveries();
      queue.consume(name, seen.processor(), { leaseMs: longLease(ctx) });
      await until(() => seen.count(ids[0]!) === 1, patience(ctx), 'the sentinel is delivered');
      await queue.close();
      assert.deepEqual(seen.all.map((d) => d.message.payload), ['sentinel'], 'the valid half of the rejected batch was not stored');
    },
  },
  {
    name: "bad queue names are rejected with a ValidationError naming 'queue'",
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      for (const bad of ['', 'has space', '-leading-dash', 'slash/name', 'x'.repeat(129)]) {
        const what = `queue name ${JSON.stringify(bad.length > 20 ? `${bad.slice(0, 10)}…(${bad.length})` : bad)}`;
        await assertMqkitError(() => queue.publish(bad, { payload: 1 }), invalid('queue'), `publish to ${what}`);
        await assertMqkitError(() => queue.consume(bad, () => undefined), invalid('queue'), `consume from ${what}`);
        await assertMqkitError(() => queue.stats(bad), invalid('queue'), `stats of ${what}`);
      }
    },
  },
  {
    name: 'bad message fields are rejected with a ValidationError naming messages[i].field',
    async run(ctx) {
      const queue = await ctx.world.createQueue();
      const name = uniqueQueueName('validation');
      const cases: Array<[string, unknown]> = [
        ['messages[0].delayMs', { payload: 1, delayMs: -1 }],
        ['messages[0].delayMs', { payload: 1, delayMs: 10, runAt: Date.now() + 10 }],
        ['messages[0].ttlMs', { payload: 1, ttlMs: 10, expiresAt: Date.now() + 10 }],
        ['messages[0].maxAttempts', { payload: 1, maxAttempts: 0 }],
        ['messages[0].headers.n', { payload: 1, headers: { n: 1 } }],
        ['messages[0].partitionKey', { payload: 1, partitionKey: '' }],
        ['messages[0].expiresAt', { payload: 1, delayMs: 100, ttlMs: 50 }],
      ];
      for (const [field, message] of cases) {
        await assertMqkitError(() => queue.publish(name, loose<OutgoingMessage>(message)), invalid(field), `publish ${JSON.stringify(message)}`);
      }
      await assertMqkitError(() => queue.publish(name, []), invalid('messages'), 'an empty batch');
      await assertMqkitError(() => queue.consume(name, loose(undefined)), invalid('processor'), 'consume without a processor');
    },
  },
];
