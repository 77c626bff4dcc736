/*
 * Small pieces of aggregation expressions the update pipelines share. A value written by a
 * pipeline `$set` must be wrapped in `$literal`: a string starting with `$` (an error message,
 * `"$100 refund"`) or an object with `$`-keys would otherwise be read as an expression.
 */

/** `value` as a constant in an aggregation expression, whatever it contains. */
export function literal(value: unknown): { $literal: unknown } {
  return { $literal: value };
}

/** The server's clock plus `ms`: `{ $add: ['$$NOW', ms] }` (a Date). */
export function nowPlus(ms: number): { $add: [string, number] } {
  return { $add: ['$$NOW', Math.max(0, Math.round(ms))] };
}

/**
 * `field` is a date and `<= $$NOW`, for a filter's `$expr` (evaluated per document, at its write).
 * The type check matters: in an expression a missing or null field compares below every date.
 */
export function reached(field: string): { $and: [{ $eq: [{ $type: string }, 'date'] }, { $lte: [string, string] }] } {
  return { $and: [{ $eq: [{ $type: `$${field}` }, 'date'] }, { $lte: [`$${field}`, '$$NOW'] }] };
}
