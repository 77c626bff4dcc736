import { optionalInt, optionalNumber, optionalOneOf, rejectUnknownKeys, requireObject } from '../util/validate.js';

export type BackoffKind = 'fixed' | 'linear' | 'exponential';

/**
 * How failed messages are retried. `maxAttempts` counts deliveries: with 5, a message is tried
 * five times and dead-lettered after the fifth failure.
 */
export interface RetryPolicy {
  /** Deliveries before dead-lettering (≥ 1). Default 5. A message's own `maxAttempts` wins. */
  readonly maxAttempts: number;
  /** Default `'exponential'`. */
  readonly backoff: BackoffKind;
  /** Base delay: the fixed delay, the linear step, or the first exponential delay. Default 1000. */
  readonly delayMs: number;
  /** Growth factor of exponential backoff. Default 2. */
  readonly factor: number;
  /** Cap on any computed delay. Default 300000 (5 min). */
  readonly maxDelayMs: number;
  /**
   * Share of the delay that is randomised, 0–1: the delay becomes `d - random() * jitter * d`.
   * 0 = none, 1 = "full jitter". Default 0.2. Spreads retries so failures do not come back in waves.
   */
  readonly jitter: number;
}

export type RetryPolicyInput = Partial<RetryPolicy>;

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 5,
  backoff: 'exponential',
  delayMs: 1000,
  factor: 2,
  maxDelayMs: 300_000,
  jitter: 0.2,
});

const KEYS = ['maxAttempts', 'backoff', 'delayMs', 'factor', 'maxDelayMs', 'jitter'] as const;

/** Validates a partial policy over a base, throwing {@link ConfigError} naming `field.key`. */
export function resolveRetryPolicy(input: unknown, field: string, base: RetryPolicy = DEFAULT_RETRY_POLICY): RetryPolicy {
  if (input === undefined) return base;
  const o = requireObject(input, field, `pass { maxAttempts, backoff, delayMs, factor, maxDelayMs, jitter } (all optional)`);
  rejectUnknownKeys(o, field, KEYS);
  return Object.freeze({
    maxAttempts: optionalInt(o.maxAttempts, `${field}.maxAttempts`, 1, base.maxAttempts),
    backoff: optionalOneOf(o.backoff, `${field}.backoff`, ['fixed', 'linear', 'exponential'], base.backoff),
    delayMs: optionalNumber(o.delayMs, `${field}.delayMs`, 0, base.delayMs),
    factor: optionalNumber(o.factor, `${field}.factor`, 1, base.factor),
    maxDelayMs: optionalNumber(o.maxDelayMs, `${field}.maxDelayMs`, 0, base.maxDelayMs),
    jitter: optionalNumber(o.jitter, `${field}.jitter`, 0, base.jitter, 1),
  });
}

/**
 * The delay before the next attempt, after attempt number `attempt` (1-based) failed.
 * `random` is injectable so tests can pin the jitter.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const n = Math.max(1, attempt);
  let delay: number;
  switch (policy.backoff) {
    case 'fixed':
      delay = policy.delayMs;
      break;
    case 'linear':
      delay = policy.delayMs * n;
      break;
    case 'exponential':
      delay = policy.delayMs * Math.pow(policy.factor, n - 1);
      break;
  }
  delay = Math.min(delay, policy.maxDelayMs);
  if (policy.jitter > 0) delay -= random() * policy.jitter * delay;
  return Math.max(0, Math.round(delay));
}
