// Shared helpers for the core unit tests (not a test file itself).
import type { Message } from '../src/contracts/message.js';
import type { ProcessorContext } from '../src/contracts/processor.js';
import { noopLogger } from '../src/util/logger.js';

/** A delivered message with sensible defaults; override what the test is about. */
export function message(overrides: Partial<Message> = {}): Message {
  return {
    id: 'm1',
    queue: 'q',
    type: 'default',
    payload: null,
    createdAt: 0,
    runAt: 0,
    attempt: 1,
    maxAttempts: 5,
    headers: {},
    ...overrides,
  };
}

/** `n` messages with ids m1…mn. */
export function messages(n: number, overrides: Partial<Message> = {}): Message[] {
  return Array.from({ length: n }, (_, i) => message({ id: `m${i + 1}`, ...overrides }));
}

/** A processor context with a signal the test controls. */
export function context(signal: AbortSignal = new AbortController().signal): ProcessorContext {
  return {
    signal,
    queue: 'q',
    consumerId: 'consumer-1',
    shardId: undefined,
    leaseExpiresAt: 0,
    deadline: 0,
    extendLease: () => Promise.resolve(),
    logger: noopLogger,
  };
}

/** An id generator yielding id-1, id-2, … and counting its calls. */
export function counterIds(prefix = 'id'): (() => string) & { calls: () => number } {
  let n = 0;
  return Object.assign(() => `${prefix}-${++n}`, { calls: () => n });
}

type ErrorClass<E> = abstract new (...args: never[]) => E;

/** Runs `fn`, which must throw an instance of `Class`; returns it. */
export function thrownBy<E>(Class: ErrorClass<E>, fn: () => unknown): E {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    if (error instanceof Class) return error;
    throw new Error(`expected a ${Class.name}, got ${String(error)}`, { cause: error });
  }
  throw new Error(`expected a ${Class.name} to be thrown, it returned ${JSON.stringify(result)}`);
}

/** Awaits `promise`, which must reject with an instance of `Class`; returns the error. */
export async function rejectedWith<E>(Class: ErrorClass<E>, promise: Promise<unknown>): Promise<E> {
  let result: unknown;
  try {
    result = await promise;
  } catch (error) {
    if (error instanceof Class) return error;
    throw new Error(`expected a ${Class.name}, got ${String(error)}`, { cause: error });
  }
  throw new Error(`expected a rejection with ${Class.name}, it resolved with ${String(result)}`);
}

/** A promise the test settles by hand. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every queued promise callback run (one macrotask turn). Uses real timers. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
