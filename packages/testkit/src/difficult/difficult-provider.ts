import type { Claim, PublishOptions, QueueProvider, Receiver, ReceiverOptions, Settlement } from '@mqkit/core';
import { CallLog } from './call-log.js';
import { injectedLeaseLoss, type Call, type Fault, type Operation, type Script } from './faults.js';

export interface DifficultOptions {
  /** Decides each call's fault. Can be replaced later (`difficult.script = …`). */
  readonly script?: Script;
  /**
   * The backend's clock runs this many ms ahead of the consumer's (negative: behind): every
   * `leaseExpiresAt` the provider reports is shifted by it, as a database fencing with its own
   * `now()` would report it. Core must time leases by its own clock whatever this is.
   */
  readonly skewMs?: number;
}

/** A provider made difficult, and the handles a test uses on it. */
export interface DifficultProvider {
  /** Give this to `createQueue`. */
  readonly provider: QueueProvider;
  /** Every call it saw (counts, timings, SPI overlaps). */
  readonly log: CallLog;
  script: Script | undefined;
  skewMs: number;
  /** Let every hung call go through (to the backend, then back). Later hangs hang again. */
  release(): void;
  /** End every live claim as a provider does when it knows a claim is over (a stolen shard): aborts `Claim.signal`. */
  endClaims(reason?: unknown): void;
}

/**
 * Turns any provider into a difficult one: the calls a real backend makes slow, failing, hanging,
 * fenced or on another clock — scripted per call — so core's runtime and a provider's own
 * tests meet the paths an always-instant, never-failing backend hides. It also checks the SPI rule
 * that `renew` and `settle` of one claim are never in flight together (`log.overlaps`), and gives
 * every claim a `signal` the test can abort (`endClaims`).
 *
 * ```ts
 * const d = difficult(memory(), { script: on('renew', fault.fail(), { count: 3 }) });
 * const queue = await createQueue({ provider: d.provider });
 * ```
 */
export function difficult(inner: QueueProvider, options: DifficultOptions = {}): DifficultProvider {
  const log = new CallLog();
  const originals = new WeakMap<Claim, Claim>();
  const live = new Map<Claim, AbortController>();
  let gate: Promise<void> | undefined;
  let open: () => void = () => undefined;
  const state = {
    script: options.script,
    skewMs: options.skewMs ?? 0,
  };

  const hang = (): Promise<void> => (gate ??= new Promise<void>((resolve) => (open = resolve)));

  /** Runs `call` on the backend with the call's faults around it. */
  async function around<T>(op: Operation, queue: string | undefined, claimId: string | undefined, backend: () => Promise<T>): Promise<T> {
    const logged = log.start(op, claimId);
    const info: Call = { op, n: logged.n, queue, claimId };
    const planned = state.script?.(info);
    const faults: readonly Fault[] = planned === undefined ? [] : Array.isArray(planned) ? planned : [planned as Fault];
    try {
      let failAfter: unknown;
      let hasFailAfter = false;
      for (const f of faults) {
        if (f.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, f.ms));
        else if (f.kind === 'hang') await hang();
        else if (f.kind === 'fail') throw f.error;
        else if (f.kind === 'lease-lost') throw injectedLeaseLoss();
        else {
          failAfter = f.error;
          hasFailAfter = true;
        }
      }
      const result = await backend();
      if (hasFailAfter) throw failAfter;
      log.end(logged, true);
      return result;
    } catch (error) {
      log.end(logged, false);
      throw error;
    }
  }

  const skewed = (claim: Claim): Claim => {
    const controller = new AbortController();
    const signal = claim.signal;
    if (signal !== undefined) {
      if (signal.aborted) controller.abort(signal.reason);
      else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    }
    const outer: Claim = { ...claim, leaseExpiresAt: claim.leaseExpiresAt + state.skewMs, signal: controller.signal };
    originals.set(outer, claim);
    live.set(outer, controller);
    return outer;
  };
  const original = (claim: Claim): Claim => originals.get(claim) ?? claim;

  const wrap = (queue: string, receiver: Receiver): Receiver => ({
    receive: (max, signal) =>
      around('receive', queue, undefined, async () => {
        const claim = await receiver.receive(max, signal);
        return claim === null ? null : skewed(claim);
      }),
    settle: (claim: Claim, settlement: Settlement) =>
      around('settle', queue, claim.id, async () => {
        const result = await receiver.settle(original(claim), settlement);
        live.delete(claim);
        return result;
      }),
    renew: (claim: Claim, leaseMs: number) => around('renew', queue, claim.id, async () => (await receiver.renew(original(claim), leaseMs)) + state.skewMs),
    close: () => around('receiver.close', queue, undefined, () => receiver.close()),
  });

  const provider: QueueProvider = {
    name: inner.name,
    capabilities: inner.capabilities,
    ...(inner.capabilityNotes ? { capabilityNotes: inner.capabilityNotes } : {}),
    deadLetters: inner.deadLetters,
    open: (context) => inner.open(context),
    publish: (queue: string, messages, publishOptions: PublishOptions) => around('publish', queue, undefined, () => inner.publish(queue, messages, publishOptions)),
    receiver: (queue: string, receiverOptions: ReceiverOptions) => wrap(queue, inner.receiver(queue, receiverOptions)),
    stats: (queue) => around('stats', queue, undefined, () => inner.stats(queue)),
    close: () => around('close', undefined, undefined, () => inner.close()),
  };

  return {
    provider,
    log,
    get script() {
      return state.script;
    },
    set script(script: Script | undefined) {
      state.script = script;
    },
    get skewMs() {
      return state.skewMs;
    },
    set skewMs(ms: number) {
      state.skewMs = ms;
    },
    release() {
      const wasOpen = open;
      gate = undefined;
      open = () => undefined;
      wasOpen();
    },
    endClaims(reason: unknown = new Error('[mqkit] [testkit] claim ended by the test')) {
      for (const controller of live.values()) controller.abort(reason);
      live.clear();
    },
  };
}
