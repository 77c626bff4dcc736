import type { RetryPolicyInput } from '@mqkit/core';
import type { CaseContext } from '../types.js';

/**
 * Retry policy for cases that do not test backoff itself: fixed, short and without jitter, so
 * failures come back quickly and predictably.
 */
export function fastRetry(ctx: CaseContext, over: RetryPolicyInput = {}): RetryPolicyInput {
  return { backoff: 'fixed', delayMs: ctx.ms(10), jitter: 0, maxAttempts: 5, ...over };
}

/** How long a case waits for something that should happen promptly. */
export function patience(ctx: CaseContext): number {
  return ctx.ms(5_000);
}

/** A lease long enough that it never expires by accident in cases that do not test leases. */
export function longLease(ctx: CaseContext): number {
  return ctx.ms(5_000);
}

/** The payload as a record, for reading test tags off it. */
export function tag(payload: unknown): Record<string, unknown> {
  return (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
}
