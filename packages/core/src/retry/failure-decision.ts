import { isRetryable } from '../errors/classify.js';
import { backoffDelay, type RetryPolicy } from './retry-policy.js';

export type DeadLetterReason =
  /** The processor threw a permanent error (`retryable: false`). */
  | 'permanent'
  /** The message failed on its last allowed attempt. */
  | 'max-attempts'
  /** The processor returned a dead-letter outcome for it. */
  | 'explicit'
  /** It was delivered more than maxAttempts times without being settled (it keeps killing consumers). */
  | 'poison-pill'
  /** It could not be decoded from the backend. */
  | 'undecodable';

export type FailureDecision =
  | { readonly kind: 'retry'; readonly delayMs: number }
  | { readonly kind: 'dead-letter'; readonly reason: DeadLetterReason };

/**
 * The one place that decides what happens to a failed delivery: permanent errors dead-letter at
 * once; otherwise retry with backoff until the attempt that was just made is the last allowed one.
 * A finite `delayMs` ≥ 0 — from a retry outcome, or a `delayMs` property on the error (as
 * {@link RetryableError} has) — overrides the policy's backoff; anything else is ignored.
 */
export function decideFailure(
  error: unknown,
  attempt: number,
  maxAttempts: number,
  policy: RetryPolicy,
  delayMs?: number,
  random?: () => number,
): FailureDecision {
  if (!isRetryable(error)) return { kind: 'dead-letter', reason: 'permanent' };
  if (attempt >= maxAttempts) return { kind: 'dead-letter', reason: 'max-attempts' };
  const explicit = validDelay(delayMs) ?? explicitDelay(error);
  return { kind: 'retry', delayMs: explicit ?? backoffDelay(policy, attempt, random) };
}

function explicitDelay(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'delayMs' in error ? validDelay(error.delayMs) : undefined;
}

/** A usable delay, or `undefined` (NaN, negative or non-numbers fall back to the policy's backoff). */
function validDelay(d: unknown): number | undefined {
  return typeof d === 'number' && Number.isFinite(d) && d >= 0 ? d : undefined;
}
