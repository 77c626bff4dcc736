import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors/validation-error.js';
import { validatePublishOptions, validateQueueName } from '../src/runtime/publish-input.js';
import { thrownBy } from './fixtures.js';

describe('validateQueueName', () => {
  it.each(['a', 'orders', 'Orders.v2', 'tenant:42:jobs', 'a_b-c', '0start', 'Z'.repeat(128)])('accepts %j', (name) => {
    expect(validateQueueName(name)).toBe(name);
  });

  it.each<[string, unknown]>([
    ['an empty name', ''],
    ['a leading dash', '-orders'],
    ['a leading dot', '.orders'],
    ['a leading underscore', '_orders'],
    ['a leading colon', ':orders'],
    ['a space', 'my orders'],
    ['a slash', 'a/b'],
    ['a non-ASCII letter', 'bestellungen-ä'],
    ['129 characters', 'a'.repeat(129)],
    ['a trailing newline', 'orders\n'],
    ['a number', 5],
    ['undefined', undefined],
    ['null', null],
  ])('refuses %s with a ValidationError', (_what, name) => {
    const error = thrownBy(ValidationError, () => validateQueueName(name));
    expect(error.field).toBe('queue');
  });

  it('names the field it is given', () => {
    expect(thrownBy(ValidationError, () => validateQueueName('bad name', 'options.queue')).field).toBe('options.queue');
  });
});

describe('validatePublishOptions', () => {
  it('accepts no options, onFull wait or reject, and a signal', () => {
    expect(() => validatePublishOptions({}, 'p', false)).not.toThrow();
    expect(() => validatePublishOptions({ onFull: 'wait' }, 'p', false)).not.toThrow();
    expect(() => validatePublishOptions({ onFull: 'reject', signal: new AbortController().signal }, 'p', false)).not.toThrow();
    expect(() => validatePublishOptions({ onFull: undefined, signal: undefined }, 'p', false)).not.toThrow();
  });

  it.each<[string, string, unknown]>([
    ['an unknown option', 'publish.timeoutMs', { timeoutMs: 5 }],
    ['an unknown onFull', 'publish.onFull', { onFull: 'drop' }],
    ['a signal that is not an AbortSignal', 'publish.signal', { signal: { aborted: false } }],
    ['options that are not an object', 'publish options', 'reject'],
    ['null options', 'publish options', null],
    ['array options', 'publish options', []],
  ])('refuses %s, naming %s', (_what, field, options) => {
    expect(thrownBy(ValidationError, () => validatePublishOptions(options, 'p', false)).field).toBe(field);
  });

  it('passes a transaction to a provider with transactionalPublish, whatever its shape', () => {
    expect(() => validatePublishOptions({ transaction: { $queryRaw: () => undefined } }, 'prisma', true)).not.toThrow();
  });

  it('refuses a transaction for a provider without transactionalPublish, naming publish.transaction and the provider', () => {
    const error = thrownBy(ValidationError, () => validatePublishOptions({ transaction: {} }, 'memory', false));
    expect(error.field).toBe('publish.transaction');
    expect(error.message).toContain('"memory"');
    expect(error.message).toContain('transactionalPublish');
  });
});
