import { ErrorCode } from './error-codes.js';
import { MqkitError, type MqkitErrorOptions } from './mqkit-error.js';

/**
 * The lease on a batch (or shard) expired or was taken by another consumer: this consumer can no
 * longer ack or checkpoint it (fencing). The messages are delivered again to the new owner.
 */
export class LeaseLostError extends MqkitError {
  readonly code = ErrorCode.LeaseLost;
  readonly retryable = true;

  constructor(message = 'lease lost: another consumer owns this work now; the outcome was discarded and the messages will be delivered again', options?: MqkitErrorOptions) {
    super(message, options);
  }
}
