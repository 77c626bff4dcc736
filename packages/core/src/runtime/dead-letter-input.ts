import { ValidationError } from '../errors/validation-error.js';
import type { DeadLetterListOptions, DeadLetterSelector } from '../contracts/dead-letter.js';
import { describe } from '../util/validate.js';

const MAX_PAGE = 10_000;

/** `deadLetters.list` options: `limit` 1–10000, `cursor` a string from a previous page. */
export function validateListOptions(options: DeadLetterListOptions | undefined): void {
  if (options === undefined || options === null) return;
  const { limit, cursor } = options;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)) {
    throw new ValidationError('deadLetters.list.limit', `expected an integer from 1 to ${MAX_PAGE}, got ${describe(limit)}`, 'page through larger stores with the returned cursor');
  }
  if (cursor !== undefined && (typeof cursor !== 'string' || cursor.length === 0)) {
    throw new ValidationError('deadLetters.list.cursor', `expected the \`next\` string of a previous page, got ${describe(cursor)}`, 'pass page.next, or leave it out for the first page');
  }
}

/** `replay`/`purge` selectors: `ids` an array of strings, `limit` an integer ≥ 1. */
export function validateSelector(selector: DeadLetterSelector | undefined, field: string): void {
  if (selector === undefined || selector === null) return;
  const { ids, limit } = selector;
  if (ids !== undefined && (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))) {
    throw new ValidationError(`${field}.ids`, 'expected an array of message ids', 'pass ids: [...] of strings, or leave it out for all');
  }
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new ValidationError(`${field}.limit`, `expected an integer ≥ 1, got ${describe(limit)}`, 'pass a positive integer, or leave it out for no limit');
  }
}
