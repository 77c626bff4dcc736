import { ErrorCode } from './error-codes.js';
import { MqkitError, type MqkitErrorOptions } from './mqkit-error.js';

/**
 * The reason of `ctx.signal` when a processor runs past `timeoutMs`. The batch is retried with the
 * queue's backoff (a timeout is a retryable outcome).
 */
export class TimeoutError extends MqkitError {
  readonly code = ErrorCode.Timeout;
  readonly retryable = true;
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options?: MqkitErrorOptions) {
    super(`processor did not finish within timeoutMs=${timeoutMs}; raise timeoutMs or call ctx.extendLease() for long work`, options);
    this.timeoutMs = timeoutMs;
  }
}
