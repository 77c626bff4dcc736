import type { ErrorCode } from './error-codes.js';

/** What every mqkit error carries, whichever copy of `@mqkit/core` made it. */
export interface MqkitErrorLike extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly source?: string | undefined;
}

/**
 * Is `error` an mqkit error (with this `code`, when given)? Recognises errors by their stable
 * `code`, never by `instanceof`: an application can load the ESM build of `@mqkit/core` while a
 * provider loads the CJS build (or another version), and their classes differ while their codes
 * agree. Core, the testkit and every provider classify errors with this function.
 *
 * ```ts
 * if (isMqkitError(error, ErrorCode.LeaseLost)) …
 * ```
 */
export function isMqkitError(error: unknown, code?: ErrorCode): error is MqkitErrorLike {
  if (typeof error !== 'object' || error === null) return false;
  const c = (error as { code?: unknown }).code;
  if (typeof c !== 'string' || !c.startsWith('MQKIT_')) return false;
  return code === undefined || c === code;
}
