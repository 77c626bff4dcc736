import { ErrorCode } from './error-codes.js';
import { MqkitError, type MqkitErrorOptions } from './mqkit-error.js';

/** A call on a queue (or consumer) after `close()`. */
export class ClosedError extends MqkitError {
  readonly code = ErrorCode.Closed;
  readonly retryable = false;

  constructor(what: string, options?: MqkitErrorOptions) {
    super(`${what} after close(); create a new queue with createQueue() if you need one`, options);
  }
}
