import { ErrorCode } from './error-codes.js';
import { MqkitError, type MqkitErrorOptions } from './mqkit-error.js';

/**
 * The backend's schema is not what this code needs: missing (never created), older (a migration
 * not applied) or newer (written by a later version of the provider), or its indexes are missing.
 * The message gives the command or option that fixes it. Not retryable: a consumer that meets it
 * stops with reason `'error'`.
 */
export class SchemaError extends MqkitError {
  readonly code = ErrorCode.Schema;
  readonly retryable = false;
  readonly fix: string;

  constructor(problem: string, fix: string, options?: MqkitErrorOptions) {
    super(`${problem}. Fix: ${fix}`, options);
    this.fix = fix;
  }
}
