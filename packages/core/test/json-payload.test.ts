import { describe, expect, it } from 'vitest';
import { DecodeError } from '../src/errors/decode-error.js';
import { ValidationError } from '../src/errors/validation-error.js';
import { decodeJsonPayload, encodeJsonPayload } from '../src/util/json-payload.js';
import { thrownBy } from './fixtures.js';

const cyclic = (): unknown => {
  const o: Record<string, unknown> = { name: 'loop' };
  o.self = o;
  return o;
};

describe('encodeJsonPayload', () => {
  it('encodes JSON data as JSON text', () => {
    expect(encodeJsonPayload({ orderId: 'o-1', items: [1, 2], paid: true, note: null }, 0)).toBe('{"orderId":"o-1","items":[1,2],"paid":true,"note":null}');
    expect(encodeJsonPayload(null, 0)).toBe('null');
    expect(encodeJsonPayload('text', 0)).toBe('"text"');
    expect(encodeJsonPayload(0, 0)).toBe('0');
  });

  it('round-trips through decodeJsonPayload', () => {
    const payload = { a: [1, { b: 'c' }], d: 1.5, e: '' };
    expect(decodeJsonPayload(encodeJsonPayload(payload, 0), 'm1')).toEqual(payload);
  });

  it.each<[string, () => unknown]>([
    ['a BigInt', () => 10n],
    ['a BigInt inside an object', () => ({ amount: 10n })],
    ['a cycle', cyclic],
    ['undefined', () => undefined],
    ['a function', () => () => 1],
    ['a symbol', () => Symbol('s')],
  ])('refuses %s with a ValidationError naming the payload of that message', (_what, make) => {
    const error = thrownBy(ValidationError, () => encodeJsonPayload(make(), 2));
    expect(error.field).toBe('messages[2].payload');
    expect(error).toMatchObject({ code: 'MQKIT_VALIDATION', retryable: false });
    expect(error.message).toContain('`messages[2].payload`');
  });

  it('keeps the serializer error as the cause', () => {
    expect(thrownBy(ValidationError, () => encodeJsonPayload({ n: 1n }, 0)).cause).toBeInstanceOf(TypeError);
    expect(thrownBy(ValidationError, () => encodeJsonPayload(cyclic(), 0)).cause).toBeInstanceOf(TypeError);
    const broken = new Error('toJSON exploded');
    const payload = {
      toJSON: () => {
        throw broken;
      },
    };
    expect(thrownBy(ValidationError, () => encodeJsonPayload(payload, 4)).cause).toBe(broken);
  });

  it('names its source in the message', () => {
    const error = thrownBy(ValidationError, () => encodeJsonPayload(undefined, 0, 'prisma'));
    expect(error.source).toBe('prisma');
    expect(error.message).toMatch(/^\[mqkit\] \[prisma\] invalid `messages\[0\]\.payload`/);
  });
});

describe('decodeJsonPayload', () => {
  it('decodes JSON text', () => {
    expect(decodeJsonPayload('{"a":1}', 'm1')).toEqual({ a: 1 });
    expect(decodeJsonPayload('null', 'm1')).toBeNull();
  });

  it.each(['{', '', 'undefined', "{'a':1}", '{"a":1}trailing'])('throws a DecodeError naming the message for %o', (text) => {
    const error = thrownBy(DecodeError, () => decodeJsonPayload(text, 'msg-7', 'prisma'));
    expect(error).toMatchObject({ code: 'MQKIT_DECODE', retryable: false, source: 'prisma' });
    expect(error.message).toBe('[mqkit] [prisma] payload of message msg-7 is not valid JSON');
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });
});
