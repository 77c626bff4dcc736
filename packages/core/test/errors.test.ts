import { describe, expect, it } from 'vitest';
import * as barrel from '../src/errors/index.js';
import { isRetryable, serializeError } from '../src/errors/classify.js';
import { ClosedError } from '../src/errors/closed-error.js';
import { ConfigError } from '../src/errors/config-error.js';
import { DecodeError } from '../src/errors/decode-error.js';
import { DuplicateIdError } from '../src/errors/duplicate-id-error.js';
import { SchemaError } from '../src/errors/schema-error.js';
import { ErrorCode } from '../src/errors/error-codes.js';
import { LeaseLostError } from '../src/errors/lease-lost-error.js';
import { ListenerOverloadError } from '../src/errors/listener-overload-error.js';
import { MqkitError, type MqkitErrorOptions } from '../src/errors/mqkit-error.js';
import { PayloadTooLargeError } from '../src/errors/payload-too-large-error.js';
import { PermanentError } from '../src/errors/permanent-error.js';
import { QueueFullError } from '../src/errors/queue-full-error.js';
import { RetryableError } from '../src/errors/retryable-error.js';
import { ShutdownError } from '../src/errors/shutdown-error.js';
import { TimeoutError } from '../src/errors/timeout-error.js';
import { UnknownQueueError } from '../src/errors/unknown-queue-error.js';
import { ValidationError } from '../src/errors/validation-error.js';

interface Case {
  readonly name: string;
  readonly Class: abstract new (...args: never[]) => MqkitError;
  readonly make: (options?: MqkitErrorOptions) => MqkitError;
  readonly code: string;
  readonly retryable: boolean;
  /** Class-specific fields and what they hold for `make()`. */
  readonly fields: Record<string, unknown>;
}

const CASES: readonly Case[] = [
  { name: 'PermanentError', Class: PermanentError, make: (o) => new PermanentError('bad data', o), code: 'MQKIT_PERMANENT', retryable: false, fields: {} },
  { name: 'RetryableError', Class: RetryableError, make: (o) => new RetryableError('rate limited', { ...o, delayMs: 1500 }), code: 'MQKIT_RETRYABLE', retryable: true, fields: { delayMs: 1500 } },
  { name: 'TimeoutError', Class: TimeoutError, make: (o) => new TimeoutError(2500, o), code: 'MQKIT_TIMEOUT', retryable: true, fields: { timeoutMs: 2500 } },
  { name: 'ShutdownError', Class: ShutdownError, make: (o) => new ShutdownError(undefined, o), code: 'MQKIT_SHUTDOWN', retryable: true, fields: {} },
  { name: 'ConfigError', Class: ConfigError, make: (o) => new ConfigError('consume.retry.maxAttempts', 'must be ≥ 1', 'set it to 1 or more', o), code: 'MQKIT_CONFIG', retryable: false, fields: { field: 'consume.retry.maxAttempts', fix: 'set it to 1 or more' } },
  { name: 'ValidationError', Class: ValidationError, make: (o) => new ValidationError('messages[3].delayMs', 'is negative', 'pass ms ≥ 0', o), code: 'MQKIT_VALIDATION', retryable: false, fields: { field: 'messages[3].delayMs', fix: 'pass ms ≥ 0' } },
  { name: 'LeaseLostError', Class: LeaseLostError, make: (o) => new LeaseLostError(undefined, o), code: 'MQKIT_LEASE_LOST', retryable: true, fields: {} },
  { name: 'ClosedError', Class: ClosedError, make: (o) => new ClosedError('publish()', o), code: 'MQKIT_CLOSED', retryable: false, fields: {} },
  { name: 'UnknownQueueError', Class: UnknownQueueError, make: (o) => new UnknownQueueError('orders', 'declare it first', o), code: 'MQKIT_UNKNOWN_QUEUE', retryable: false, fields: { queue: 'orders' } },
  { name: 'DecodeError', Class: DecodeError, make: (o) => new DecodeError('payload of message m1 is not valid JSON', o), code: 'MQKIT_DECODE', retryable: false, fields: {} },
  { name: 'PayloadTooLargeError', Class: PayloadTooLargeError, make: (o) => new PayloadTooLargeError('messages[0].payload', 2048, 1024, o), code: 'MQKIT_PAYLOAD_TOO_LARGE', retryable: false, fields: { field: 'messages[0].payload', sizeBytes: 2048, limitBytes: 1024 } },
  { name: 'QueueFullError', Class: QueueFullError, make: (o) => new QueueFullError('orders', 100, o), code: 'MQKIT_QUEUE_FULL', retryable: true, fields: { queue: 'orders', capacity: 100 } },
  { name: 'ListenerOverloadError', Class: ListenerOverloadError, make: (o) => new ListenerOverloadError('audit', 10_000, o), code: 'MQKIT_LISTENER_OVERLOAD', retryable: false, fields: { pending: 10_000 } },
  { name: 'DuplicateIdError', Class: DuplicateIdError, make: (o) => new DuplicateIdError('orders', 'order-7', 'messages[2].id', o), code: 'MQKIT_DUPLICATE_ID', retryable: false, fields: { queue: 'orders', id: 'order-7', field: 'messages[2].id' } },
  { name: 'SchemaError', Class: SchemaError, make: (o) => new SchemaError('schema "mqkit" is missing', "open the provider with migrate: 'auto'", o), code: 'MQKIT_SCHEMA', retryable: false, fields: { fix: "open the provider with migrate: 'auto'" } },
];

describe('error classes', () => {
  it('have one class per error code', () => {
    expect(CASES.map((c) => c.code).sort()).toEqual(Object.values(ErrorCode).sort());
    expect(new Set(Object.values(ErrorCode)).size).toBe(CASES.length);
  });

  it('are all exported by the errors barrel', () => {
    for (const { name, Class } of CASES) expect((barrel as Record<string, unknown>)[name]).toBe(Class);
    expect(barrel.MqkitError).toBe(MqkitError);
    expect(barrel.ErrorCode).toBe(ErrorCode);
  });

  describe.each(CASES)('$name', ({ name, Class, make, code, retryable, fields }) => {
    it(`has code ${code}, name ${name} and retryable ${String(retryable)}`, () => {
      const error = make();
      expect(error).toBeInstanceOf(Class);
      expect(error).toBeInstanceOf(MqkitError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.name).toBe(name);
      expect(error.retryable).toBe(retryable);
      expect(error).toMatchObject(fields);
    });

    it('starts its message with [mqkit] and has no source when none is given', () => {
      const error = make();
      expect(error.message).toMatch(/^\[mqkit\] [^[]/);
      expect(error.source).toBeUndefined();
      expect(error.cause).toBeUndefined();
    });

    it('starts its message with [mqkit] [source] and keeps the cause when they are given', () => {
      const cause = new Error('socket hang up');
      const error = make({ source: 'prisma', cause });
      expect(error.message).toMatch(/^\[mqkit\] \[prisma\] \S/);
      expect(error.source).toBe('prisma');
      expect(error.cause).toBe(cause);
    });

    it('is classified by its retryable flag', () => {
      expect(isRetryable(make())).toBe(retryable);
    });
  });

  it('put the field, the problem and the fix in ConfigError and ValidationError messages', () => {
    expect(new ConfigError('defaults.batchSize', 'expected an integer', 'set it to 1 or more').message).toBe(
      '[mqkit] invalid config `defaults.batchSize`: expected an integer. Fix: set it to 1 or more',
    );
    expect(new ValidationError('messages[1].payload', 'is missing', 'give every message a payload', { source: 'memory' }).message).toBe(
      '[mqkit] [memory] invalid `messages[1].payload`: is missing. Fix: give every message a payload',
    );
  });

  it('say what to do in their default and built messages', () => {
    expect(new TimeoutError(2500).message).toContain('timeoutMs=2500');
    expect(new ClosedError('publish()').message).toMatch(/^\[mqkit\] publish\(\) after close\(\)/);
    expect(new ShutdownError().message).toBe('[mqkit] consumer is shutting down and the shutdown deadline passed');
    expect(new ShutdownError('stopping now').message).toBe('[mqkit] stopping now');
    expect(new LeaseLostError().message).toMatch(/^\[mqkit\] lease lost/);
    expect(new ListenerOverloadError('audit', 7).message).toContain('"audit" has 7 unsettled calls');
    expect(new QueueFullError('orders', 100).message).toContain('queue "orders" is full (capacity 100)');
    expect(new PayloadTooLargeError('messages[0].payload', 2048, 1024).message).toContain('`messages[0].payload` is 2048 bytes encoded, over the 1024-byte limit');
  });

  it('leave delayMs undefined on a RetryableError without one', () => {
    expect(new RetryableError('again').delayMs).toBeUndefined();
  });

  it('do not bracket an empty source', () => {
    expect(new PermanentError('bad', { source: '' }).message).toBe('[mqkit] bad');
  });
});

describe('isRetryable', () => {
  it('is false only for a retryable property that is exactly false', () => {
    expect(isRetryable({ retryable: false })).toBe(false);
    expect(isRetryable(Object.assign(new Error('x'), { retryable: false }))).toBe(false);
  });

  it('is true for errors without the flag, other flag values and non-Error throws', () => {
    for (const value of [new Error('x'), new TypeError('x'), { retryable: true }, { retryable: 0 }, { retryable: undefined }, 'boom', 42, undefined, null, {}]) {
      expect(isRetryable(value)).toBe(true);
    }
  });
});

describe('serializeError', () => {
  it('keeps the name, message, string code and stack of an Error', () => {
    const error = Object.assign(new TypeError('boom'), { code: 'E_BOOM' });
    expect(serializeError(error)).toEqual({ name: 'TypeError', message: 'boom', code: 'E_BOOM', stack: error.stack });
    expect(serializeError(error).stack).toContain('boom');
  });

  it("keeps an mqkit error's code", () => {
    const error = new PermanentError('bad data', { source: 'memory' });
    expect(serializeError(error)).toEqual({ name: 'PermanentError', message: '[mqkit] [memory] bad data', code: 'MQKIT_PERMANENT', stack: error.stack });
  });

  it('drops a code that is not a string', () => {
    expect(serializeError(Object.assign(new Error('x'), { code: 42 })).code).toBeUndefined();
    expect(serializeError(new Error('x')).code).toBeUndefined();
  });

  it('drops the stack with withStack false and keeps the rest', () => {
    const error = Object.assign(new Error('boom'), { code: 'E_BOOM' });
    const serialized = serializeError(error, false);
    expect(serialized.stack).toBeUndefined();
    expect(serialized).toMatchObject({ name: 'Error', message: 'boom', code: 'E_BOOM' });
  });

  it('describes non-Error values as NonError with the value or its JSON', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(serializeError('boom')).toStrictEqual({ name: 'NonError', message: 'boom' });
    expect(serializeError({ reason: 'nope', n: 1 })).toStrictEqual({ name: 'NonError', message: '{"reason":"nope","n":1}' });
    expect(serializeError(42)).toStrictEqual({ name: 'NonError', message: '42' });
    expect(serializeError(null)).toStrictEqual({ name: 'NonError', message: 'null' });
    expect(serializeError(undefined)).toStrictEqual({ name: 'NonError', message: 'undefined' });
    expect(serializeError(10n)).toStrictEqual({ name: 'NonError', message: '10' });
    expect(serializeError(Symbol('s'))).toStrictEqual({ name: 'NonError', message: 'Symbol(s)' });
    expect(serializeError(cyclic)).toStrictEqual({ name: 'NonError', message: '[object Object]' });
  });
});
