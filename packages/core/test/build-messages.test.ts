import { describe, expect, it } from 'vitest';
import { DuplicateIdError } from '../src/errors/duplicate-id-error.js';
import { ValidationError } from '../src/errors/validation-error.js';
import { buildMessages } from '../src/runtime/build-messages.js';
import { counterIds, thrownBy } from './fixtures.js';

const NOW = 1_000_000;

/** Builds `input` for queue `q` at NOW and returns the error's field. */
function fieldOf(input: unknown): string {
  return thrownBy(ValidationError, () => buildMessages('q', input, NOW, counterIds())).field;
}

describe('buildMessages', () => {
  it('resolves a payload-only message with a generated id, the default type and times at now', () => {
    const payload = { orderId: 'o-1' };
    const [built, ...rest] = buildMessages('orders', { payload }, NOW, counterIds());
    expect(rest).toEqual([]);
    expect(built).toStrictEqual({
      id: 'id-1',
      explicitId: false,
      queue: 'orders',
      type: 'default',
      payload,
      createdAt: NOW,
      runAt: NOW,
      expiresAt: undefined,
      maxAttempts: undefined,
      partitionKey: undefined,
      dedupeKey: undefined,
      headers: {},
    });
    expect(built?.payload).toBe(payload);
  });

  it('builds a batch in input order with one generated id each', () => {
    const ids = counterIds();
    const built = buildMessages('q', [{ payload: 'a' }, { payload: 'b', type: 'b-type' }, { payload: 'c', delayMs: 5 }], NOW, ids);
    expect(built.map((m) => [m.id, m.payload, m.type])).toEqual([
      ['id-1', 'a', 'default'],
      ['id-2', 'b', 'b-type'],
      ['id-3', 'c', 'default'],
    ]);
    expect(ids.calls()).toBe(3);
  });

  it('keeps a given id and does not generate one for it', () => {
    const ids = counterIds();
    const built = buildMessages('q', [{ payload: 1, id: 'mine' }, { payload: 2 }], NOW, ids);
    expect(built.map((m) => m.id)).toEqual(['mine', 'id-1']);
    expect(ids.calls()).toBe(1);
  });

  it('accepts null, 0, false and empty-string payloads', () => {
    const built = buildMessages('q', [{ payload: null }, { payload: 0 }, { payload: false }, { payload: '' }], NOW, counterIds());
    expect(built.map((m) => m.payload)).toEqual([null, 0, false, '']);
  });

  it('resolves delayMs to runAt = now + delayMs', () => {
    expect(buildMessages('q', { payload: 1, delayMs: 500 }, NOW, counterIds())[0]?.runAt).toBe(NOW + 500);
    expect(buildMessages('q', { payload: 1, delayMs: 0 }, NOW, counterIds())[0]?.runAt).toBe(NOW);
  });

  it('takes runAt as epoch ms or as a Date', () => {
    expect(buildMessages('q', { payload: 1, runAt: NOW + 7000 }, NOW, counterIds())[0]?.runAt).toBe(NOW + 7000);
    expect(buildMessages('q', { payload: 1, runAt: new Date(NOW + 9000) }, NOW, counterIds())[0]?.runAt).toBe(NOW + 9000);
    expect(buildMessages('q', { payload: 1, runAt: 0 }, NOW, counterIds())[0]?.runAt).toBe(0);
  });

  it('resolves ttlMs to expiresAt = now + ttlMs, independently of the delay', () => {
    expect(buildMessages('q', { payload: 1, ttlMs: 2000 }, NOW, counterIds())[0]).toMatchObject({ runAt: NOW, expiresAt: NOW + 2000 });
    expect(buildMessages('q', { payload: 1, delayMs: 500, ttlMs: 2000 }, NOW, counterIds())[0]).toMatchObject({ runAt: NOW + 500, expiresAt: NOW + 2000 });
  });

  it('takes expiresAt as epoch ms or as a Date', () => {
    expect(buildMessages('q', { payload: 1, expiresAt: NOW + 1 }, NOW, counterIds())[0]?.expiresAt).toBe(NOW + 1);
    expect(buildMessages('q', { payload: 1, expiresAt: new Date(NOW + 3000) }, NOW, counterIds())[0]?.expiresAt).toBe(NOW + 3000);
  });

  it('keeps maxAttempts, partitionKey, dedupeKey and headers', () => {
    const headers = { traceId: 't-1', tenant: 'acme' };
    const [built] = buildMessages('q', { payload: 1, maxAttempts: 3, partitionKey: 'customer-9', dedupeKey: 'order-9', headers }, NOW, counterIds());
    expect(built).toMatchObject({ maxAttempts: 3, partitionKey: 'customer-9', dedupeKey: 'order-9', headers });
  });

  it('accepts keys of exactly 256 characters', () => {
    const key = 'k'.repeat(256);
    const [built] = buildMessages('q', { payload: 1, id: key, type: key, partitionKey: key, dedupeKey: key }, NOW, counterIds());
    expect(built).toMatchObject({ id: key, type: key, partitionKey: key, dedupeKey: key });
  });

  it('throws a ValidationError that is not retryable and names the message and field', () => {
    const error = thrownBy(ValidationError, () => buildMessages('q', [{ payload: 1 }, { payload: 2, delayMs: -1 }], NOW, counterIds()));
    expect(error).toMatchObject({ code: 'MQKIT_VALIDATION', retryable: false, field: 'messages[1].delayMs' });
    expect(error.message).toContain('`messages[1].delayMs`');
  });

  it.each<[string, string, unknown]>([
    ['an empty batch', 'messages', []],
    ['a second message without a payload', 'messages[1].payload', [{ payload: 1 }, {}]],
    ['a message with only a type', 'messages[1].payload', [{ payload: 1 }, { type: 'x' }]],
    ['a payload set to undefined', 'messages[0].payload', { payload: undefined, delayMs: 5 }],
    ['null instead of a message', 'messages[0]', [null]],
    ['a number instead of a message', 'messages[0]', 5],
    ['a string instead of a message', 'messages[0]', ['text']],
    ['a negative delayMs', 'messages[0].delayMs', { payload: 1, delayMs: -1 }],
    ['a NaN delayMs', 'messages[0].delayMs', { payload: 1, delayMs: Number.NaN }],
    ['an infinite delayMs', 'messages[0].delayMs', { payload: 1, delayMs: Number.POSITIVE_INFINITY }],
    ['a string delayMs', 'messages[0].delayMs', { payload: 1, delayMs: '100' }],
    ['both delayMs and runAt', 'messages[0].delayMs', { payload: 1, delayMs: 5, runAt: NOW + 5 }],
    ['both ttlMs and expiresAt', 'messages[0].ttlMs', { payload: 1, ttlMs: 5, expiresAt: NOW + 5 }],
    ['a negative runAt', 'messages[0].runAt', { payload: 1, runAt: -1 }],
    ['a NaN runAt', 'messages[0].runAt', { payload: 1, runAt: Number.NaN }],
    ['an invalid Date runAt', 'messages[0].runAt', { payload: 1, runAt: new Date('not a date') }],
    ['a string runAt', 'messages[0].runAt', { payload: 1, runAt: '2030-01-01' }],
    ['a negative ttlMs', 'messages[0].ttlMs', { payload: 1, ttlMs: -1 }],
    ['an invalid Date expiresAt', 'messages[0].expiresAt', { payload: 1, expiresAt: new Date('nope') }],
    ['expiresAt equal to runAt', 'messages[0].expiresAt', { payload: 1, delayMs: 100, expiresAt: NOW + 100 }],
    ['expiresAt before runAt', 'messages[0].expiresAt', { payload: 1, runAt: NOW + 100, expiresAt: NOW + 50 }],
    ['expiresAt at now without a delay', 'messages[0].expiresAt', { payload: 1, expiresAt: NOW }],
    ['a ttlMs no longer than the delay', 'messages[0].expiresAt', { payload: 1, delayMs: 100, ttlMs: 100 }],
    ['maxAttempts 0', 'messages[0].maxAttempts', { payload: 1, maxAttempts: 0 }],
    ['a fractional maxAttempts', 'messages[0].maxAttempts', { payload: 1, maxAttempts: 1.5 }],
    ['a string maxAttempts', 'messages[0].maxAttempts', { payload: 1, maxAttempts: '3' }],
    ['a 257-character partitionKey', 'messages[0].partitionKey', { payload: 1, partitionKey: 'k'.repeat(257) }],
    ['an empty partitionKey', 'messages[0].partitionKey', { payload: 1, partitionKey: '' }],
    ['a numeric partitionKey', 'messages[0].partitionKey', { payload: 1, partitionKey: 7 }],
    ['an empty dedupeKey', 'messages[0].dedupeKey', { payload: 1, dedupeKey: '' }],
    ['an empty id', 'messages[0].id', { payload: 1, id: '' }],
    ['an empty type on a payload-only message', 'messages[0].type', { payload: 1, type: '' }],
    ['a 257-character type next to other fields', 'messages[0].type', { payload: 1, type: 't'.repeat(257), delayMs: 1 }],
    ['a header with a non-string value', 'messages[0].headers.x', { payload: 1, headers: { ok: 'yes', x: 1 } }],
    ['headers given as an array', 'messages[0].headers', { payload: 1, headers: ['a'] }],
    ['headers given as null', 'messages[0].headers', { payload: 1, headers: null }],
    ['headers given as a string', 'messages[0].headers', { payload: 1, headers: 'a=b' }],
  ])('refuses %s, naming %s', (_what, field, input) => {
    expect(fieldOf(input)).toBe(field);
  });
});

describe('buildMessages: publisher-given ids', () => {
  it('marks a publisher-given id as explicit and a generated one as not', () => {
    const [given, generated] = buildMessages('q', [{ payload: 1, id: 'order-7' }, { payload: 2 }], 0, counterIds());
    expect(given).toMatchObject({ id: 'order-7', explicitId: true });
    expect(generated!.explicitId).toBe(false);
  });

  it('refuses a batch that gives one id twice with a DuplicateIdError naming the second', () => {
    const error = thrownBy(DuplicateIdError, () => buildMessages('q', [{ payload: 1, id: 'x' }, { payload: 2, id: 'y' }, { payload: 3, id: 'x' }], 0, counterIds()));
    expect(error.field).toBe('messages[2].id');
    expect(error.code).toBe('MQKIT_DUPLICATE_ID');
    expect(error.id).toBe('x');
  });
});
