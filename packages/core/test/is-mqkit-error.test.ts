import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/errors/error-codes.js';
import { isMqkitError } from '../src/errors/is-mqkit-error.js';
import { LeaseLostError } from '../src/errors/lease-lost-error.js';
import { TimeoutError } from '../src/errors/timeout-error.js';

describe('isMqkitError', () => {
  it('recognises an mqkit error by its code, with or without a code to match', () => {
    const error = new LeaseLostError();
    expect(isMqkitError(error)).toBe(true);
    expect(isMqkitError(error, ErrorCode.LeaseLost)).toBe(true);
    expect(isMqkitError(error, ErrorCode.Timeout)).toBe(false);
    expect(isMqkitError(new TimeoutError(5), ErrorCode.Timeout)).toBe(true);
  });

  it('recognises an error made by another copy of @mqkit/core (same code, another class)', () => {
    class LeaseLostError extends Error {
      readonly code = 'MQKIT_LEASE_LOST';
      readonly retryable = true;
    }
    const foreign = new LeaseLostError('from the CJS build');
    expect(foreign instanceof Error).toBe(true);
    expect(isMqkitError(foreign, ErrorCode.LeaseLost)).toBe(true);
  });

  it.each([
    ['a plain Error', new Error('x')],
    ['an error with a non-mqkit code', Object.assign(new Error('x'), { code: 'ECONNRESET' })],
    ['a string', 'MQKIT_LEASE_LOST'],
    ['null', null],
    ['undefined', undefined],
    ['an object with a numeric code', { code: 42 }],
  ])('is false for %s', (_what, value) => {
    expect(isMqkitError(value)).toBe(false);
    expect(isMqkitError(value, ErrorCode.LeaseLost)).toBe(false);
  });
});
