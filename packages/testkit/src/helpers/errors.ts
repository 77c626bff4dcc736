import assert from 'node:assert/strict';

interface Expected {
  /** The class name, e.g. `'ValidationError'`. */
  readonly name: string;
  /** The stable code, e.g. `'MQKIT_VALIDATION'`. */
  readonly code: string;
  /** The `field` the error must name, when it has one. */
  readonly field?: string;
}

/**
 * Asserts `action` throws (synchronously or by rejecting) an mqkit error of the given class and
 * code — matched by `name` and `code`, not `instanceof`, so it holds even when the provider and the
 * testkit load different copies of `@mqkit/core`.
 */
export async function assertMqkitError(action: () => unknown, expected: Expected, what: string): Promise<Error> {
  let caught: unknown;
  let threw = false;
  try {
    await action();
  } catch (error) {
    caught = error;
    threw = true;
  }
  assert.ok(threw, `${what}: expected a ${expected.name}, but nothing was thrown`);
  assertErrorLike(caught, expected, what);
  return caught as Error;
}

/** Asserts `error` is an mqkit error of the given class/code (and field). */
export function assertErrorLike(error: unknown, expected: Expected, what: string): void {
  assert.ok(error instanceof Error, `${what}: expected a ${expected.name}, got ${String(error)}`);
  const e = error as Error & { code?: unknown; field?: unknown };
  assert.equal(e.name, expected.name, `${what}: wrong error class (message: ${e.message})`);
  assert.equal(e.code, expected.code, `${what}: wrong error code`);
  if (expected.field !== undefined) assert.equal(e.field, expected.field, `${what}: the error names the wrong field (message: ${e.message})`);
}

/** What `action` throws or rejects with; throws if it does neither (for tests that inspect the error themselves). */
export async function thrownBy(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('[mqkit] [testkit] expected an error, but it succeeded');
}
