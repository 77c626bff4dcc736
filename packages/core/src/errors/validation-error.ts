import { ErrorCode } from './error-codes.js';
import { MqkitError, type MqkitErrorOptions } from './mqkit-error.js';

/** Bad input to a call (a message, a queue name, an option). Names the field and how to fix it. */
export class ValidationError extends MqkitError {
  readonly code = ErrorCode.Validation;
  readonly retryable = false;
  /** Path of the offending input, e.g. `messages[3].delayMs`. */
  readonly field: string;
  readonly fix: string;

  constructor(field: string, problem: string, fix: string, options?: MqkitErrorOptions) {
    super(`invalid \`${field}\`: ${problem}. Fix: ${fix}`, options);
    this.field = field;
    this.fix = fix;
  }
}
