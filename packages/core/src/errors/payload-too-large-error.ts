import { ErrorCode } from './error-codes.js';
import { MqkitError, type MqkitErrorOptions } from './mqkit-error.js';

/** An encoded message exceeds what the backend accepts in one record. */
export class PayloadTooLargeError extends MqkitError {
  readonly code = ErrorCode.PayloadTooLarge;
  readonly retryable = false;
  readonly field: string;
  readonly sizeBytes: number;
  readonly limitBytes: number;

  constructor(field: string, sizeBytes: number, limitBytes: number, options?: MqkitErrorOptions) {
    super(`\`${field}\` is ${sizeBytes} bytes encoded, over the ${limitBytes}-byte limit. Fix: store large data elsewhere and publish a reference`, options);
    this.field = field;
    this.sizeBytes = sizeBytes;
    this.limitBytes = limitBytes;
  }
}
