import { ErrorCode } from './error-codes.js';
import { MqkitError, type MqkitErrorOptions } from './mqkit-error.js';

/** The queue (or stream) is not declared / does not exist in the backend. */
export class UnknownQueueError extends MqkitError {
  readonly code = ErrorCode.UnknownQueue;
  readonly retryable = false;
  readonly queue: string;

  constructor(queue: string, fix: string, options?: MqkitErrorOptions) {
    super(`unknown queue "${queue}". Fix: ${fix}`, options);
    this.queue = queue;
  }
}
