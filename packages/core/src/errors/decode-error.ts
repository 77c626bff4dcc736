import { ErrorCode } from './error-codes.js';
import { MqkitError, type MqkitErrorOptions } from './mqkit-error.js';

/** A stored message or record could not be decoded. It is dead-lettered, never silently dropped. */
export class DecodeError extends MqkitError {
  readonly code = ErrorCode.Decode;
  readonly retryable = false;

  constructor(message: string, options?: MqkitErrorOptions) {
    super(message, options);
  }
}
