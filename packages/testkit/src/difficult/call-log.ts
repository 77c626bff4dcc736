import type { Operation } from './faults.js';

/** One call a difficult provider saw. Times are `performance.now()` ms. */
export interface LoggedCall {
  readonly op: Operation;
  readonly n: number;
  readonly claimId: string | undefined;
  readonly startedAt: number;
  endedAt: number | undefined;
  outcome: 'pending' | 'ok' | 'failed';
}

/** A broken SPI rule: a renew or settle started while another renew or settle of the same claim was in flight. */
export interface Overlap {
  readonly claimId: string;
  readonly started: Operation;
  readonly inFlight: Operation;
}

/** What a difficult provider saw, for a test's assertions. */
export class CallLog {
  readonly calls: LoggedCall[] = [];
  readonly overlaps: Overlap[] = [];
  readonly #counts = new Map<Operation, number>();
  readonly #inFlight = new Map<string, LoggedCall>();

  /** Calls of `op` so far. */
  count(op: Operation): number {
    return this.#counts.get(op) ?? 0;
  }

  of(op: Operation): LoggedCall[] {
    return this.calls.filter((c) => c.op === op);
  }

  /** Calls of `op` that have not answered. */
  pending(op: Operation): number {
    return this.calls.filter((c) => c.op === op && c.outcome === 'pending').length;
  }

  /** @internal */
  start(op: Operation, claimId: string | undefined): LoggedCall {
    const n = this.count(op) + 1;
    this.#counts.set(op, n);
    const call: LoggedCall = { op, n, claimId, startedAt: performance.now(), endedAt: undefined, outcome: 'pending' };
    this.calls.push(call);
    if (claimId !== undefined && (op === 'renew' || op === 'settle')) {
      const other = this.#inFlight.get(claimId);
      if (other !== undefined) this.overlaps.push({ claimId, started: op, inFlight: other.op });
      else this.#inFlight.set(claimId, call);
    }
    return call;
  }

  /** @internal */
  end(call: LoggedCall, ok: boolean): void {
    call.endedAt = performance.now();
    call.outcome = ok ? 'ok' : 'failed';
    if (call.claimId !== undefined && this.#inFlight.get(call.claimId) === call) this.#inFlight.delete(call.claimId);
  }
}
