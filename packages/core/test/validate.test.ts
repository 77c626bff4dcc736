import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors/config-error.js';
import {
  describe as describeValue,
  optionalBoolean,
  optionalFunction,
  optionalInt,
  optionalNumber,
  optionalOneOf,
  rejectUnknownKeys,
  requireObject,
} from '../src/util/validate.js';
import { thrownBy } from './fixtures.js';

describe('optionalInt', () => {
  it('returns the fallback for undefined and the value inside the range', () => {
    expect(optionalInt(undefined, 'f', 1, 7)).toBe(7);
    expect(optionalInt(1, 'f', 1, 7, 3)).toBe(1);
    expect(optionalInt(3, 'f', 1, 7, 3)).toBe(3);
  });

  it.each([0, 4, 1.5, Number.NaN, '2', null])('refuses %o for the range 1–3, naming the field', (value) => {
    const error = thrownBy(ConfigError, () => optionalInt(value, 'consume.concurrency', 1, 1, 3));
    expect(error.field).toBe('consume.concurrency');
    expect(error.message).toContain('expected an integer from 1 to 3');
  });
});

describe('optionalNumber', () => {
  it('accepts fractions inside the range', () => {
    expect(optionalNumber(0.5, 'f', 0, 1, 1)).toBe(0.5);
    expect(optionalNumber(undefined, 'f', 0, 0.2, 1)).toBe(0.2);
  });

  it.each([-0.1, 1.1, Number.POSITIVE_INFINITY, Number.NaN, '0.5'])('refuses %o for the range 0–1', (value) => {
    expect(thrownBy(ConfigError, () => optionalNumber(value, 'retry.jitter', 0, 0.2, 1)).field).toBe('retry.jitter');
  });
});

describe('optionalBoolean', () => {
  it('accepts booleans and refuses anything else', () => {
    expect(optionalBoolean(false, 'ordered', true)).toBe(false);
    expect(optionalBoolean(undefined, 'ordered', true)).toBe(true);
    expect(thrownBy(ConfigError, () => optionalBoolean('true', 'consume.ordered', false)).field).toBe('consume.ordered');
    expect(thrownBy(ConfigError, () => optionalBoolean(1, 'consume.ordered', false)).field).toBe('consume.ordered');
  });
});

describe('optionalOneOf', () => {
  it('accepts only the allowed strings', () => {
    expect(optionalOneOf('b', 'kind', ['a', 'b'], 'a')).toBe('b');
    expect(optionalOneOf(undefined, 'kind', ['a', 'b'], 'a')).toBe('a');
    const error = thrownBy(ConfigError, () => optionalOneOf('c', 'retry.backoff', ['a', 'b'], 'a'));
    expect(error.field).toBe('retry.backoff');
    expect(error.message).toContain("expected one of 'a', 'b', got \"c\"");
  });
});

describe('optionalFunction', () => {
  it('accepts functions and refuses anything else', () => {
    const fn = () => 1;
    const fallback = () => 2;
    expect(optionalFunction(fn, 'ids', fallback)).toBe(fn);
    expect(optionalFunction(undefined, 'ids', fallback)).toBe(fallback);
    expect(thrownBy(ConfigError, () => optionalFunction('uuid', 'ids', fallback)).field).toBe('ids');
  });
});

describe('requireObject', () => {
  it('accepts plain objects and refuses null, arrays and primitives with the given fix', () => {
    const o = { a: 1 };
    expect(requireObject(o, 'options', 'fix it')).toBe(o);
    for (const value of [null, [], 'x', 1, undefined]) {
      const error = thrownBy(ConfigError, () => requireObject(value, 'options', 'pass an object'));
      expect(error.field).toBe('options');
      expect(error.fix).toBe('pass an object');
    }
  });
});

describe('rejectUnknownKeys', () => {
  it('accepts known keys and names the first unknown one under the field', () => {
    expect(() => rejectUnknownKeys({ a: 1, b: 2 }, 'opts', ['a', 'b', 'c'])).not.toThrow();
    const error = thrownBy(ConfigError, () => rejectUnknownKeys({ a: 1, typo: 2 }, 'opts', ['a', 'b']));
    expect(error.field).toBe('opts.typo');
    expect(error.fix).toBe('remove it, or use one of: a, b');
  });

  it('names a top-level unknown key on its own when the field is empty', () => {
    expect(thrownBy(ConfigError, () => rejectUnknownKeys({ typo: 1 }, '', ['a'])).field).toBe('typo');
  });
});

describe('describe', () => {
  it.each<[string, unknown]>([
    ['null', null],
    ['an array', [1]],
    ['"x"', 'x'],
    ['1.5', 1.5],
    ['NaN', Number.NaN],
    ['true', true],
    ['10', 10n],
    ['undefined', undefined],
    ['a function', () => 1],
    ['an object', { a: 1 }],
  ])('describes a value as %s', (text, value) => {
    expect(describeValue(value)).toBe(text);
  });
});
