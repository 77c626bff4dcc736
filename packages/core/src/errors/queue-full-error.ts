import { ErrorCode } from './error-codes.js';
import { MqkitError, type MqkitErrorOptions } from './mqkit-error.js';

/** Publish refused because the queue is at its capacity (backpressure with `onFull: 'reject'`). */
export class QueueFullError extends MqkitError {
  readonly code = ErrorCode.QueueFull;
  readonly retryable = true;
  readonly queue: string;
  readonly capacity: number;

  constructor(queue: string, capacity: number, options?: MqkitErrorOptions) {
    super(`queue "${queue}" is full (capacity ${capacity}). Fix: consume faster, raise the provider's capacity, or publish with onFull: 'wait'`, options);
    this.queue = queue;
    this.capacity = capacity;
  }
}
