import { LeaseLostError } from '@mqkit/core';

/** The provider calls a difficult provider can disturb. */
export type Operation = 'receive' | 'settle' | 'renew' | 'receiver.close' | 'publish' | 'stats' | 'close';

/** One call, as a script sees it. `n` counts calls of this operation on this provider, from 1. */
export interface Call {
  readonly op: Operation;
  readonly n: number;
  readonly queue: string | undefined;
  /** The claim a `settle` or `renew` is for. */
  readonly claimId: string | undefined;
}

/**
 * What happens to one call:
 * - `delay`: it reaches the backend `ms` later (a slow network, a busy server).
 * - `hang`: it never answers until `release()` (a half-open connection); then it goes through.
 * - `fail`: it rejects with `error` without reaching the backend (a blip).
 * - `fail-after`: it reaches the backend, then rejects with `error` (the answer was lost).
 * - `lease-lost`: it rejects with a `LeaseLostError` without reaching the backend (fenced).
 */
export type Fault =
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'hang' }
  | { readonly kind: 'fail'; readonly error: unknown }
  | { readonly kind: 'fail-after'; readonly error: unknown }
  | { readonly kind: 'lease-lost' };

/** Decides each call's fault (or none). Faults in an array apply in order (`[delay(50), fail()]`). */
export type Script = (call: Call) => Fault | readonly Fault[] | undefined;

/** A transient failure, as a database blip would give. */
export class BackendBlip extends Error {
  constructor(what = 'injected transient failure') {
    super(`[mqkit] [testkit] ${what}`);
    this.name = 'BackendBlip';
  }
}

/** Builders for {@link Fault}s. */
export const fault = {
  delay: (ms: number): Fault => ({ kind: 'delay', ms }),
  hang: (): Fault => ({ kind: 'hang' }),
  fail: (error: unknown = new BackendBlip()): Fault => ({ kind: 'fail', error }),
  failAfter: (error: unknown = new BackendBlip('injected failure after the backend applied the call')): Fault => ({ kind: 'fail-after', error }),
  leaseLost: (): Fault => ({ kind: 'lease-lost' }),
};

/** The error a `lease-lost` fault rejects with. */
export function injectedLeaseLoss(): Error {
  return new LeaseLostError('lease lost (injected by the testkit)', { source: 'testkit' });
}

/**
 * A script that gives `op` calls number `from` to `from + count - 1` the fault(s), and leaves
 * every other call alone. Combine several with {@link scripts}.
 */
export function on(op: Operation, faults: Fault | readonly Fault[], range: { readonly from?: number; readonly count?: number } = {}): Script {
  const from = range.from ?? 1;
  const to = from + (range.count ?? Infinity);
  return (call) => (call.op === op && call.n >= from && call.n < to ? faults : undefined);
}

/** The first script that has a fault for a call decides it. */
export function scripts(...list: readonly Script[]): Script {
  return (call) => {
    for (const script of list) {
      const faults = script(call);
      if (faults !== undefined) return faults;
    }
    return undefined;
  };
}
