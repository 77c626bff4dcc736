import { ErrorCode } from './error-codes.js';
import { MqkitError, type MqkitErrorOptions } from './mqkit-error.js';

/** Invalid configuration, thrown at construction. Names the field and how to fix it. */
export class ConfigError extends MqkitError {
  readonly code = ErrorCode.Config;
  readonly retryable = false;
  /** Dotted path of the offending option, e.g. `consume.retry.maxAttempts`. */
  readonly field: string;
  /** What to do about it. */
  readonly fix: string;

  constructor(field: string, problem: string, fix: string, options?: MqkitErrorOptions) {
    super(`invalid config \`${field}\`: ${problem}. Fix: ${fix}`, options);
    this.field = field;
    this.fix = fix;
  }
}
