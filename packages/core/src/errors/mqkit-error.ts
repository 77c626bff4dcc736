import type { ErrorCode } from './error-codes.js';

export interface MqkitErrorOptions {
  readonly cause?: unknown;
  /** Provider (or module) name, shown as `[mqkit] [name]` in the message. */
  readonly source?: string | undefined;
}

/**
 * Base class of every error mqkit throws. `code` is stable; `retryable` tells the consumer runtime
 * whether a failure with this error is worth another attempt.
 */
export abstract class MqkitError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly retryable: boolean;
  readonly source: string | undefined;

  protected constructor(message: string, options: MqkitErrorOptions = {}) {
    super(`[mqkit]${options.source ? ` [${options.source}]` : ''} ${message}`, { cause: options.cause });
    this.name = new.target.name;
    this.source = options.source;
  }
}
