import { ErrorCode } from './error-codes.js';
import { MqkitError, type MqkitErrorOptions } from './mqkit-error.js';

/**
 * The reason of `ctx.signal` when the consumer stops and the processor has not finished by the
 * shutdown deadline. Its messages are released without counting the attempt.
 */
export class ShutdownError extends MqkitError {
  readonly code = ErrorCode.Shutdown;
  readonly retryable = true;

  constructor(message = 'consumer is shutting down and the shutdown deadline passed', options?: MqkitErrorOptions) {
    super(message, options);
  }
}
