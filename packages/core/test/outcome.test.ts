import { describe, expect, it } from 'vitest';
import { ack, deadLetter, retry } from '../src/contracts/outcome.js';

describe('outcome helpers', () => {
  it('ack() returns one frozen ack outcome', () => {
    expect(ack()).toEqual({ kind: 'ack' });
    expect(ack()).toBe(ack());
    expect(Object.isFrozen(ack())).toBe(true);
  });

  it('retry() carries the error and an optional delay', () => {
    const error = new Error('x');
    expect(retry(error)).toStrictEqual({ kind: 'retry', error, delayMs: undefined });
    expect(retry(error, { delayMs: 250 })).toStrictEqual({ kind: 'retry', error, delayMs: 250 });
    expect(retry('not an Error').error).toBe('not an Error');
  });

  it('deadLetter() carries the error', () => {
    const error = new Error('x');
    expect(deadLetter(error)).toStrictEqual({ kind: 'dead-letter', error });
  });
});
