import { ErrorCode } from './error-codes.js';
import { MqkitError, type MqkitErrorOptions } from './mqkit-error.js';

export interface RetryableErrorOptions extends MqkitErrorOptions {
  /** Retry after this many ms instead of the policy's backoff (e.g. a rate limit's Retry-After). */
  readonly delayMs?: number | undefined;
}

/**
 * A failure worth another attempt. Any error that is not permanent is retried anyway; throw this
 * one to say so explicitly or to choose the delay.
 */
export class RetryableError extends MqkitError {
  readonly code = ErrorCode.Retryable;
  readonly retryable = true;
  readonly delayMs: number | undefined;

  constructor(message: string, options: RetryableErrorOptions = {}) {
    super(message, options);
    this.delayMs = options.delayMs;
  }
}
