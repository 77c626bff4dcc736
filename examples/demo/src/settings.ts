import type { RetryPolicyInput } from '@mqkit/core';

/** Knobs of the demo, in one place. `DEMO_MESSAGES` overrides the message count. */
export const TOTAL_MESSAGES = readCount(process.env.DEMO_MESSAGES, 100_000);
export const PUBLISH_BATCH = 1_000;
/** Give up (and fail) if the work is not settled by then. */
export const DEADLINE_MS = 45_000;

/** Every consumer's retry policy: quick backoff so the demo stays short. */
export const RETRY: RetryPolicyInput = { maxAttempts: 4, backoff: 'exponential', delayMs: 20, jitter: 0.2 };
/** Reports carry their own, lower `maxAttempts` on the message (it overrides the consumer's). */
export const REPORT_MAX_ATTEMPTS = 3;

function readCount(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`DEMO_MESSAGES must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}
