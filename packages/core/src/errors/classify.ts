/**
 * Is a failure worth another attempt? Decided by the error's class or its `retryable` flag, never
 * by its message: `retryable === false` (e.g. {@link PermanentError}) is permanent; everything else,
 * including non-Error throws, is retryable.
 */
export function isRetryable(error: unknown): boolean {
  if (typeof error === 'object' && error !== null && 'retryable' in error) {
    return error.retryable !== false;
  }
  return true;
}

/** A serializable picture of an error, as kept with a dead letter. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string | undefined;
  readonly stack?: string | undefined;
}

/**
 * `withStack: false` skips `error.stack`, whose formatting costs tens of µs: retries keep the
 * name, message and code; dead letters keep the stack too.
 */
export function serializeError(error: unknown, withStack = true): SerializedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      code: typeof code === 'string' ? code : undefined,
      stack: withStack ? error.stack : undefined,
    };
  }
  return { name: 'NonError', message: typeof error === 'string' ? error : safeString(error) };
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
