import type { QueueProvider } from '@mqkit/core';
import { difficult } from '../difficult/difficult-provider.js';
import { fault } from '../difficult/faults.js';

/** A provider whose calls can be frozen, like a process stopped with SIGSTOP (or a long GC pause). */
export interface PausableProvider {
  readonly provider: QueueProvider;
  /** From now on every receive/renew/settle waits (the process is frozen). */
  pause(): void;
  /** The waiting calls go through, in order, with the claims they had: the backend must fence stale ones. */
  resume(): void;
  readonly paused: boolean;
}

const FROZEN = new Set(['receive', 'renew', 'settle']);

/**
 * Wraps any provider so a test can freeze it: its receivers' `receive`, `renew` and `settle` hang
 * while paused, then run. A lease that expired during the pause must be fenced (`LeaseLostError`)
 * when the frozen process comes back. A {@link difficult} provider whose script hangs those calls.
 */
export function pausable(inner: QueueProvider): PausableProvider {
  const d = difficult(inner);
  let paused = false;
  return {
    provider: d.provider,
    pause() {
      paused = true;
      d.script = (call) => (FROZEN.has(call.op) ? fault.hang() : undefined);
    },
    resume() {
      paused = false;
      d.script = undefined;
      d.release();
    },
    get paused() {
      return paused;
    },
  };
}
