import { ErrorCode } from './error-codes.js';
import { MqkitError, type MqkitErrorOptions } from './mqkit-error.js';

/**
 * A publisher gave a message an `id` that the queue already holds (waiting, in flight or
 * dead-lettered). Nothing of the batch is stored. Use `dedupeKey` for idempotent publishing: a
 * duplicate key is reported, not refused.
 */
export class DuplicateIdError extends MqkitError {
  readonly code = ErrorCode.DuplicateId;
  readonly retryable = false;
  readonly queue: string;
  readonly id: string;
  /** `messages[i].id` of the offending input. */
  readonly field: string;

  constructor(queue: string, id: string, field: string, options?: MqkitErrorOptions) {
    super(`\`${field}\`: queue "${queue}" already holds a message with id "${id}". Fix: give every message a unique id, or leave id out (one is generated); for idempotent publishing set dedupeKey instead`, options);
    this.queue = queue;
    this.id = id;
    this.field = field;
  }
}
