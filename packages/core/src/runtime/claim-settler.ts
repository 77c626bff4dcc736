import { ErrorCode } from '../errors/error-codes.js';
import { isMqkitError } from '../errors/is-mqkit-error.js';
import type { Claim, Receiver, Settlement } from '../contracts/provider.js';
import { monotonicNow } from '../util/monotonic.js';
import { sleep } from '../util/sleep.js';
import { settleBackoff } from './lease-timing.js';

/** How applying a settlement ended. */
export type SettleOutcome =
  /** Applied; `lost` names messages a per-message-fenced backend no longer held for this claim. */
  | { readonly kind: 'settled'; readonly lost: readonly string[] }
  /** The backend fenced the claim off (`LeaseLostError`): nothing was applied. */
  | { readonly kind: 'lost'; readonly error: Error }
  /** Failures outlasted the lease (by core's clock): the messages come back when it expires. */
  | { readonly kind: 'gave-up'; readonly error: unknown }
  /** The run stopped waiting (`wanted()` turned false: a hang outlasted the lease). */
  | { readonly kind: 'abandoned' };

export interface SettleAttempts {
  readonly receiver: Receiver;
  readonly claim: Claim;
  readonly settlement: Settlement;
  /** The lease's end by core's monotonic clock: no retry is started past it. */
  readonly until: () => number;
  /** False once the run gave up on this settlement (then no further try is made). */
  readonly wanted: () => boolean;
  /** A failed try: `retryInMs` until the next, or `undefined` when this was the last. */
  readonly onFailure: (error: unknown, retryInMs: number | undefined) => void;
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * Applies a settlement, retrying a failure that is not a fencing with backoff while the lease
 * lasts — a database blip must not turn finished work into a redelivery. One try at a time, so a
 * settle is never in flight twice; a try that hangs is the caller's to give up (`wanted`).
 * `firstFailure`: the caller already made the first try and it failed with this error (a run
 * settles at once on its hot path and comes here only when that try fails).
 */
export async function settleWithRetry(attempts: SettleAttempts, firstFailure?: { readonly error: unknown }): Promise<SettleOutcome> {
  const { receiver, claim, settlement, until, wanted, onFailure } = attempts;
  let failed = firstFailure;
  for (let failures = 0; ; ) {
    let error: unknown;
    if (failed !== undefined) {
      error = failed.error;
      failed = undefined;
    } else {
      try {
        const result = await receiver.settle(claim, settlement);
        return wanted() ? { kind: 'settled', lost: lostIds(result) } : { kind: 'abandoned' };
      } catch (e) {
        error = e;
      }
    }
    if (!wanted()) return { kind: 'abandoned' };
    if (isMqkitError(error, ErrorCode.LeaseLost)) return { kind: 'lost', error };
    failures++;
    const retryInMs = settleBackoff(failures);
    if (monotonicNow() + retryInMs >= until()) {
      onFailure(error, undefined);
      return { kind: 'gave-up', error };
    }
    onFailure(error, retryInMs);
    await sleep(retryInMs);
    if (!wanted()) return { kind: 'abandoned' };
  }
}

/** The ids a settle result says were no longer held for the claim (none for `void`). */
export function lostIds(result: unknown): readonly string[] {
  if (typeof result !== 'object' || result === null) return NONE;
  const lost = (result as { lost?: unknown }).lost;
  return Array.isArray(lost) && lost.length > 0 ? (lost as string[]) : NONE;
}
