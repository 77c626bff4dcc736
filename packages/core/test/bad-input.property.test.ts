// Property tests for bad input: whatever a caller passes as config, consume options or messages,
// the answer is either a typed error naming the offending field (and the fix), or an accepted value
// that round-trips intact. Never a TypeError from deep inside, never a silent drop. Each input is a
// valid one with one field replaced by anything at all, so an error must name exactly that field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import type { QueueProvider } from '../src/contracts/provider.js';
import { isMqkitError } from '../src/errors/is-mqkit-error.js';
import { buildMessages } from '../src/runtime/build-messages.js';
import { CONSUME_KEYS, DEFAULT_CONSUME_SETTINGS, resolveConsumeSettings } from '../src/runtime/consume-settings.js';
import { TinyProvider } from './support/tiny-provider.js';

const RUNS = 1_000;

/** Anything a careless caller might pass as a value. */
const anyValue = fc.oneof(
  fc.integer({ min: -5, max: 100_000 }),
  fc.double(),
  fc.constantFrom(0, 1, 10, 2 ** 31, Infinity, -Infinity, Number.NaN, -0),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.object({ maxDepth: 1, maxKeys: 2 }),
  fc.constant(() => 1),
);

function expectTypedError(error: unknown, field: string | readonly string[]): void {
  expect(isMqkitError(error), `not an mqkit error: ${String(error)}`).toBe(true);
  const fields = typeof field === 'string' ? [field] : field;
  expect(fields, `the error names ${String((error as { field?: unknown }).field)}`).toContain((error as { field?: unknown }).field);
  expect((error as Error).message).toMatch(/Fix: /);
}

describe('consume options, whatever they are', () => {
  const valid = fc.record(
    {
      concurrency: fc.integer({ min: 1, max: 64 }),
      batchSize: fc.integer({ min: 1, max: 1_000 }),
      timeoutMs: fc.integer({ min: 1, max: 60_000 }),
      leaseMs: fc.integer({ min: 10, max: 60_000 }),
      ordered: fc.boolean(),
      shutdownTimeoutMs: fc.integer({ min: 0, max: 60_000 }),
      consumerId: fc.string({ minLength: 1, maxLength: 10 }),
      retry: fc.record({ maxAttempts: fc.integer({ min: 1, max: 10 }), delayMs: fc.integer({ min: 0, max: 1_000 }) }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  );
  const keys = CONSUME_KEYS.filter((k) => k !== 'signal');

  it('are refused with a ConfigError naming consume.<key> and the fix, or resolved keeping every value given', () => {
    fc.assert(
      fc.property(valid, fc.constantFrom(...keys, 'concurency', 'batch_size'), anyValue, (base, key, value) => {
        const input: Record<string, unknown> = { ...base, [key]: value };
        let settings;
        try {
          settings = resolveConsumeSettings(input, 'consume', DEFAULT_CONSUME_SETTINGS, keys);
        } catch (error) {
          const named = String((error as { field?: unknown }).field);
          // A bad retry policy is named at its own key (an unknown one included): consume.retry.<key>.
          expectTypedError(error, key === 'retry' && named.startsWith('consume.retry') ? named : `consume.${key}`);
          return;
        }
        expect(keys).toContain(key);
        expect(Number.isInteger(settings.concurrency) && settings.concurrency >= 1).toBe(true);
        expect(Number.isInteger(settings.batchSize) && settings.batchSize >= 1).toBe(true);
        expect(settings.leaseMs).toBeGreaterThanOrEqual(10);
        expect(settings.timeoutMs).toBeGreaterThanOrEqual(1);
        for (const k of ['concurrency', 'batchSize', 'timeoutMs', 'leaseMs', 'ordered', 'shutdownTimeoutMs'] as const) {
          if (input[k] !== undefined) expect(settings[k], `accepted ${k} kept as given`).toBe(input[k]);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('createQueue config, whatever it is', () => {
  const provider = new TinyProvider() as QueueProvider;
  const keys = ['logger', 'clock', 'ids', 'random', 'defaults', 'lifecycle', 'onLifecycleError', 'loger', 'default', 'provider'] as const;

  it('is refused with a ConfigError naming the field and the fix, or accepted', () => {
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.oneof(anyValue, fc.constant(console), fc.constant([{ name: 'l' }])), (key, value) => {
        const input: Record<string, unknown> = { provider, [key]: value };
        try {
          const resolved = resolveConfig(input);
          expect(resolved.provider).toBe(input.provider);
          if (key === 'logger' && value !== undefined) expect(resolved.logger).toBe(value);
          // What was accepted works: nothing in it throws a TypeError later, on the hot path.
          for (const level of ['debug', 'info', 'warn', 'error'] as const) expect(typeof resolved.logger[level]).toBe('function');
          expect(typeof resolved.clock.now()).toBe('number');
          expect(typeof resolved.ids).toBe('function');
          expect(typeof resolved.random).toBe('function');
        } catch (error) {
          expect(isMqkitError(error), String(error)).toBe(true);
          const field = String((error as { field?: unknown }).field);
          expect(field === key || field.startsWith(`${key}.`) || field.startsWith(`${key}[`), `${field} for a bad ${key}`).toBe(true);
          expect((error as Error).message).toMatch(/Fix: /);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('messages, whatever they are', () => {
  const NOW = 1_700_000_000_000;
  const key = fc.string({ minLength: 1, maxLength: 20 });
  const valid = fc.record(
    {
      payload: fc.jsonValue(),
      type: key,
      id: key,
      delayMs: fc.integer({ min: 0, max: 10_000 }),
      ttlMs: fc.integer({ min: 20_000, max: 60_000 }),
      maxAttempts: fc.integer({ min: 1, max: 10 }),
      partitionKey: key,
      dedupeKey: key,
      headers: fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
    },
    { requiredKeys: ['payload'] },
  );
  const fields = ['payload', 'type', 'id', 'delayMs', 'runAt', 'ttlMs', 'expiresAt', 'maxAttempts', 'partitionKey', 'dedupeKey', 'headers'] as const;
  /** The fields a bad value in `field` may be reported under (times are checked against each other). */
  const reportedAs = (i: number, field: string): string[] => {
    const times = ['delayMs', 'runAt', 'ttlMs', 'expiresAt'];
    const related = times.includes(field) ? times : [field];
    return [`messages[${i}]`, ...related.map((f) => `messages[${i}].${f}`)];
  };

  it('are refused with an error naming messages[i].<field>, or built so that every given field round-trips', () => {
    fc.assert(
      fc.property(fc.array(valid, { minLength: 1, maxLength: 3 }), fc.nat(), fc.constantFrom(...fields), fc.oneof(anyValue, key, fc.date({ noInvalidDate: false })), (list, pick, field, value) => {
        const i = pick % list.length;
        const input: Array<Record<string, unknown>> = list.map((m, j) => ({ ...m, ...(m.id !== undefined ? { id: `${m.id}#${j}` } : {}) }));
        input[i] = { ...input[i], [field]: value };
        let ids = 0;
        let built;
        try {
          built = buildMessages('q', input, NOW, () => `gen-${++ids}`);
        } catch (error) {
          expect(isMqkitError(error), String(error)).toBe(true);
          const named = String((error as { field?: unknown }).field);
          const headerField = field === 'headers' && named.startsWith(`messages[${i}].headers.`);
          expect(headerField || reportedAs(i, field).includes(named), `${named} for a bad ${field} in messages[${i}]`).toBe(true);
          return;
        }
        expect(built).toHaveLength(input.length);
        built.forEach((m, j) => {
          const given = input[j]!;
          expect(m.payload).toBe(given.payload);
          expect(m.explicitId).toBe(given.id !== undefined);
          if (given.id !== undefined) expect(m.id).toBe(given.id);
          expect(m.type).toBe(given.type ?? 'default');
          expect(m.partitionKey).toBe(given.partitionKey);
          expect(m.dedupeKey).toBe(given.dedupeKey);
          expect(m.maxAttempts).toBe(given.maxAttempts);
          expect(m.headers).toEqual(given.headers ?? {});
          const runAt = given.runAt instanceof Date ? given.runAt.getTime() : (given.runAt as number | undefined);
          expect(m.runAt).toBe(runAt ?? NOW + ((given.delayMs as number | undefined) ?? 0));
          if (m.expiresAt !== undefined) expect(m.expiresAt).toBeGreaterThan(m.runAt);
        });
      }),
      { numRuns: RUNS },
    );
  });
});
