// Shared set-up of the memory provider's own tests: queues opened by a test are closed after it,
// held processors are released, and two small waiting helpers.
import { createQueue, type Queue } from '@mqkit/core';
import type { Deferred } from '@mqkit/testkit';
import { afterEach } from 'vitest';
import { memory, type MemoryOptions } from '../src/index.js';

/** Queues to close after the current test (each test file is its own module instance). */
export const opened: Queue[] = [];
/** Processors held by the current test, released after it so close() does not wait on them. */
export const holds: Deferred[] = [];

afterEach(async () => {
  for (const d of holds.splice(0)) d.resolve();
  await Promise.all(opened.splice(0).map((queue) => queue.close({ timeoutMs: 100 })));
});

/** A queue on a fresh memory provider, closed after the test. */
export async function open(options: MemoryOptions = {}): Promise<Queue> {
  const queue = await createQueue({ provider: memory(options) });
  opened.push(queue);
  return queue;
}

/** Lets the event loop turn `n` times, so anything that is due to happen now has happened. */
export async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** What `action` throws or rejects with; fails the test if it does neither. */
export async function thrownBy(action: () => unknown, what: string): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error(`${what}: expected an error, but it succeeded`);
}
