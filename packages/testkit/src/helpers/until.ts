import { AssertionError } from 'node:assert';

const POLL_MS = 5;

/**
 * Polls `condition` every few ms until it is truthy; rejects with an AssertionError after
 * `timeoutMs`. `what` describes the awaited state (a function is evaluated at timeout, so it can
 * show the current values).
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string | (() => string) = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() >= deadline) {
      const text = typeof what === 'function' ? what() : what;
      throw new AssertionError({ message: `timed out after ${timeoutMs} ms waiting for: ${text}` });
    }
    await delay(POLL_MS);
  }
}

/**
 * Waits a fixed time. Only for proving that something does NOT happen within a window (never to
 * wait for something to happen: use {@link until} or `nextEvent`).
 */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with an AssertionError naming `what` if `promise` does not settle within `timeoutMs`. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AssertionError({ message: `timed out after ${timeoutMs} ms waiting for: ${what}` })), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
