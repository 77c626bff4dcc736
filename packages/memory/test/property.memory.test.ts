// Property tests through the whole stack on the memory provider: random messages round-trip
// intact (or are refused naming their field), and random hostile processors leave every message
// accounted for — processed or dead-lettered — with the consumer still running.
import { createQueue, isMqkitError, type Message, type ProcessorResult } from '@mqkit/core';
import { collectEvents, until, uniqueQueueName } from '@mqkit/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memory } from '../src/index.js';

describe('random messages through memory (serialization: json)', () => {
  const key = fc.string({ minLength: 1, maxLength: 12 });
  const message = fc.record(
    {
      payload: fc.jsonValue(),
      type: key,
      partitionKey: key,
      maxAttempts: fc.integer({ min: 1, max: 5 }),
      headers: fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
      ttlMs: fc.integer({ min: 60_000, max: 120_000 }),
    },
    { requiredKeys: ['payload'] },
  );

  it('arrive as they were published: payload (as JSON carries it), type, key, headers, attempt 1', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 8 }), async (input) => {
        const queue = await createQueue({ provider: memory({ serialization: 'json' }) });
        try {
          const name = uniqueQueueName('prop');
          const { ids } = await queue.publish(name, input);
          const seen = new Map<string, Message>();
          const consumer = queue.consume(name, (messages) => void messages.forEach((m) => seen.set(m.id, m)), { batchSize: 4 });
          await until(() => seen.size === ids.length, 5_000, 'all delivered');
          await consumer.stop();
          ids.forEach((id, i) => {
            const m = seen.get(id)!;
            const given = input[i]!;
            expect(m.payload).toEqual(JSON.parse(JSON.stringify(given.payload)));
            expect(m.type).toBe(given.type ?? 'default');
            expect(m.partitionKey).toBe(given.partitionKey);
            expect(m.headers).toEqual(given.headers ?? {});
            expect(m.maxAttempts).toBe(given.maxAttempts ?? 5);
            expect(m.attempt).toBe(1);
          });
        } finally {
          await queue.close({ timeoutMs: 100 });
        }
      }),
      { numRuns: 40 },
    );
  });

  it('a payload JSON cannot carry is refused naming messages[i].payload, and nothing of the batch is stored', async () => {
    const unencodable = fc.oneof(fc.bigInt(), fc.constant(undefined), fc.constant(() => 1), fc.constant(Symbol('s')));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue(), { minLength: 1, maxLength: 4 }), fc.nat(), unencodable, async (payloads, pick, bad) => {
        const queue = await createQueue({ provider: memory({ serialization: 'json' }) });
        try {
          const name = uniqueQueueName('prop-bad');
          const i = pick % payloads.length;
          const input: Array<{ payload: unknown }> = payloads.map((payload) => ({ payload }));
          input[i] = { payload: bad };
          const error = await queue.publish(name, input).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(isMqkitError(error), String(error)).toBe(true);
          expect((error as { field?: string }).field).toBe(`messages[${i}].payload`);
          expect((await queue.stats(name)).ready).toBe(0);
        } finally {
          await queue.close({ timeoutMs: 100 });
        }
      }),
      { numRuns: 40 },
    );
  });
});

type Hostility = 'ok' | 'throw-error' | 'throw-string' | 'throw-null' | 'return-garbage' | 'return-too-many' | 'return-null-entry' | 'hang-until-abort' | 'ack-after-abort';

describe('random hostile processors on memory', () => {
  const hostility = fc.constantFrom<Hostility>('ok', 'throw-error', 'throw-string', 'throw-null', 'return-garbage', 'return-too-many', 'return-null-entry', 'hang-until-abort', 'ack-after-abort');

  it('leave every message processed or dead-lettered and the consumer running', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostility, { minLength: 1, maxLength: 10 }), fc.integer({ min: 1, max: 3 }), async (plan, batchSize) => {
        const queue = await createQueue({ provider: memory() });
        try {
          const name = uniqueQueueName('hostile');
          const log = collectEvents(queue.lifecycle);
          const { ids } = await queue.publish(name, plan.map((what) => ({ payload: what })));
          const consumer = queue.consume(
            name,
            (messages, ctx): Promise<ProcessorResult> | ProcessorResult => {
              const what = messages[0]!.payload as Hostility;
              switch (what) {
                case 'ok':
                  return undefined;
                case 'throw-error':
                  throw new Error('boom');
                case 'throw-string':
                  throw 'boom'; // eslint-disable-line @typescript-eslint/only-throw-error
                case 'throw-null':
                  throw null; // eslint-disable-line @typescript-eslint/only-throw-error
                case 'return-garbage':
                  return 'garbage' as unknown as ProcessorResult;
                case 'return-too-many':
                  return messages.map(() => undefined).concat([undefined]);
                case 'return-null-entry':
                  return messages.map(() => null) as unknown as ProcessorResult;
                case 'hang-until-abort':
                  return new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(undefined)));
                case 'ack-after-abort':
                  return new Promise((resolve) => ctx.signal.addEventListener('abort', () => setTimeout(() => resolve(undefined), 5)));
              }
            },
            { batchSize, concurrency: 3, timeoutMs: 30, retry: { maxAttempts: 2, backoff: 'fixed', delayMs: 1, jitter: 0 } },
          );
          const accounted = (): Set<string> =>
            new Set([...log.of('message.processed').flatMap((e) => e.messages.map((m) => m.id)), ...log.of('message.dead-lettered').map((e) => e.message.id)]);
          await until(() => ids.every((id) => accounted().has(id)), 10_000, () => `accounted ${accounted().size} of ${ids.length}`);
          expect(consumer.state).toBe('running');
          const stats = await queue.stats(name);
          expect(stats).toMatchObject({ ready: 0, delayed: 0, inFlight: 0 });
        } finally {
          await queue.close({ timeoutMs: 100 });
        }
      }),
      { numRuns: 25 },
    );
  });
});
