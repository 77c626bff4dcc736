import { describe, expect, it } from 'vitest';
import type { DeadLetterListOptions, DeadLetterSelector } from '../src/contracts/dead-letter.js';
import { ValidationError } from '../src/errors/validation-error.js';
import { validateListOptions, validateSelector } from '../src/runtime/dead-letter-input.js';
import { thrownBy } from './fixtures.js';

describe('validateListOptions', () => {
  it('accepts no options, a limit from 1 to 10000 and a cursor string', () => {
    for (const options of [undefined, {}, { limit: 1 }, { limit: 10_000 }, { cursor: 'page-2' }, { limit: 50, cursor: 'abc' }]) {
      expect(() => validateListOptions(options)).not.toThrow();
    }
  });

  it.each<[string, string, unknown]>([
    ['a limit of 0', 'deadLetters.list.limit', { limit: 0 }],
    ['a limit over 10000', 'deadLetters.list.limit', { limit: 10_001 }],
    ['a fractional limit', 'deadLetters.list.limit', { limit: 2.5 }],
    ['a string limit', 'deadLetters.list.limit', { limit: '10' }],
    ['an empty cursor', 'deadLetters.list.cursor', { cursor: '' }],
    ['a numeric cursor', 'deadLetters.list.cursor', { cursor: 3 }],
  ])('refuses %s, naming %s', (_what, field, options) => {
    expect(thrownBy(ValidationError, () => validateListOptions(options as DeadLetterListOptions)).field).toBe(field);
  });
});

describe('validateSelector', () => {
  it('accepts no selector, ids of strings and a positive limit', () => {
    for (const selector of [undefined, {}, { ids: [] }, { ids: ['a', 'b'] }, { limit: 1 }, { ids: ['a'], limit: 1_000_000 }]) {
      expect(() => validateSelector(selector, 'deadLetters.replay')).not.toThrow();
    }
  });

  it.each<[string, string, unknown]>([
    ['ids that are not an array', 'deadLetters.purge.ids', { ids: 'a' }],
    ['ids that are not all strings', 'deadLetters.purge.ids', { ids: ['a', 2] }],
    ['a limit of 0', 'deadLetters.purge.limit', { limit: 0 }],
    ['a fractional limit', 'deadLetters.purge.limit', { limit: 1.5 }],
  ])('refuses %s, naming %s', (_what, field, selector) => {
    expect(thrownBy(ValidationError, () => validateSelector(selector as DeadLetterSelector, 'deadLetters.purge')).field).toBe(field);
  });
});
