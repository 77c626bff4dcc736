import { ErrorCode } from './error-codes.js';
import { MqkitError, type MqkitErrorOptions } from './mqkit-error.js';

/**
 * Throw it from a processor when another attempt cannot succeed (bad data, a rejected business
 * rule): the message goes straight to the dead-letter store, whatever attempts are left.
 * Any error with `retryable: false` is treated the same way.
 */
export class PermanentError extends MqkitError {
  readonly code = ErrorCode.Permanent;
  readonly retryable = false;

  constructor(message: string, options?: MqkitErrorOptions) {
    super(message, options);
  }
}
