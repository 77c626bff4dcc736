import { ErrorCode } from './error-codes.js';
import { MqkitError, type MqkitErrorOptions } from './mqkit-error.js';

/**
 * A lifecycle listener has too many unsettled async calls (it hangs or is far too slow): events
 * for it are dropped until it catches up. Reported once per overload to `onLifecycleError`.
 */
export class ListenerOverloadError extends MqkitError {
  readonly code = ErrorCode.ListenerOverload;
  readonly retryable = false;
  readonly pending: number;

  constructor(listener: string, pending: number, options?: MqkitErrorOptions) {
    super(`lifecycle listener "${listener}" has ${pending} unsettled calls; its events are dropped until it catches up. Fix: make the listener faster or let it buffer on its own`, options);
    this.pending = pending;
  }
}
