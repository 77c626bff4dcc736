import type { Claim, QueueProvider, Receiver, ReceiverOptions, Settlement } from '@mqkit/core';

/** A provider whose calls can be frozen, like a process stopped with SIGSTOP (or a long GC pause). */
export interface PausableProvider {
  readonly provider: QueueProvider;
  /** From now on every receive/renew/settle waits (the process is frozen). */
  pause(): void;
  /** The waiting calls go through, in order, with the claims they had: the backend must fence stale ones. */
  resume(): void;
  readonly paused: boolean;
}

/**
 * Wraps any provider so a test can freeze it: its receivers' `receive`, `renew` and `settle` wait
 * while paused, then run. A lease that expired during the pause must be fenced (`LeaseLostError`)
 * when the frozen process comes back. Use it in a world's `pause(queue)`.
 */
export function pausable(inner: QueueProvider): PausableProvider {
  let gate: Promise<void> | undefined;
  let open: () => void = () => undefined;
  const wait = async (): Promise<void> => {
    while (gate) await gate;
  };
  const wrap = (receiver: Receiver): Receiver => ({
    receive: async (max: number, signal: AbortSignal) => {
      await wait();
      return receiver.receive(max, signal);
    },
    renew: async (claim: Claim, leaseMs: number) => {
      await wait();
      return receiver.renew(claim, leaseMs);
    },
    settle: async (claim: Claim, settlement: Settlement) => {
      await wait();
      return receiver.settle(claim, settlement);
    },
    close: () => receiver.close(),
  });
  const provider: QueueProvider = {
    name: inner.name,
    capabilities: inner.capabilities,
    ...(inner.capabilityNotes ? { capabilityNotes: inner.capabilityNotes } : {}),
    deadLetters: inner.deadLetters,
    open: (context) => inner.open(context),
    publish: (queue, messages, options) => inner.publish(queue, messages, options),
    receiver: (queue: string, options: ReceiverOptions) => wrap(inner.receiver(queue, options)),
    stats: (queue) => inner.stats(queue),
    close: () => inner.close(),
  };
  return {
    provider,
    pause() {
      gate ??= new Promise<void>((resolve) => (open = resolve));
    },
    resume() {
      gate = undefined;
      open();
    },
    get paused() {
      return gate !== undefined;
    },
  };
}
