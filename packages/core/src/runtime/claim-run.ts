import { ErrorCode } from '../errors/error-codes.js';
import { isMqkitError } from '../errors/is-mqkit-error.js';
import { LeaseLostError } from '../errors/lease-lost-error.js';
import { ShutdownError } from '../errors/shutdown-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { Lifecycle } from '../lifecycle/lifecycle.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { monotonicNow } from '../util/monotonic.js';
import type { Claim, Receiver } from '../contracts/provider.js';
import type { Processor, ProcessorResult } from '../contracts/processor.js';
import { lostIds, settleWithRetry, type SettleAttempts, type SettleOutcome } from './claim-settler.js';
import type { ConsumeSettings } from './consume-settings.js';
import { leaseEnd, nextRenewal, renewalBackoff } from './lease-timing.js';
import { ackAll, failAll, fromOutcomes, releaseAll, type PlannedSettlement } from './outcome-settlement.js';
import { mqkitAwaitProcessor, mqkitInvokeProcessor, type ProcessorAnswerSink } from './processor-frame.js';
import { armSoon, disarm, type Armable } from './run-arming.js';
import { RunContext, type ContextSource } from './run-context.js';
import { RunTiming } from './run-timing.js';
import { leadingRun, orderSafe } from './settlement-order.js';

export interface ClaimRunDeps {
  readonly queue: string;
  readonly consumerId: string;
  readonly receiver: Receiver;
  readonly processor: Processor;
  readonly settings: ConsumeSettings;
  /** Renew the lease while the processor works (provider has `leaseExtension`). */
  readonly renewLeases: boolean;
  /** The provider settles each message on its own; without it, settlements are cut to their leading run. */
  readonly perMessageSettle: boolean;
  readonly lifecycle: Lifecycle;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Jitter source for retry delays. */
  readonly random: () => number;
}

/** How a claim ended, for `pull()` and shutdown accounting. */
export interface ClaimSummary {
  readonly acked: number;
  readonly retried: number;
  readonly deadLettered: number;
  /** Timed out, lost its lease, was aborted at shutdown, or its settlement could not be applied. */
  readonly interrupted: boolean;
}

/** The last settle() promise seen fulfilled, and its value (see `ClaimRun#send`). */
let fulfilledSettle: PromiseLike<unknown> | undefined;
let fulfilledValue: unknown;

/** A claim that ended without its outcome applied. */
export const INTERRUPTED: ClaimSummary = Object.freeze({ acked: 0, retried: 0, deadLettered: 0, interrupted: true });

/**
 * One claim's life:
 * - `processing`: the processor runs; one timer watches the deadline, the next renewal and the
 *   lease's end (all by core's monotonic clock, see `lease-timing.ts`).
 * - `overrunning`: an ordered consumer's processor timed out but has not returned: its signal is
 *   aborted and its outcome decided (a retry), but the lease is kept (and renewed) until it
 *   returns, so no other claim gets its partition key meanwhile.
 * - `settling`: the outcome is being applied (after any renewal in flight has answered: renew and
 *   settle are never in flight together), retried with backoff while the lease lasts.
 * - `done`: settled, fenced off, or given up.
 * Whatever ends `processing` decides the settlement; a processor result that arrives later is
 * discarded (and reported as an overrun). The concurrency slot stays taken until the processor
 * itself returns (`finished`).
 *
 * The hot path — the processor answers within its turn, the first settle succeeds — is one
 * `then` on the processor's promise and one on the settlement's, and allocates as little as it
 * can: the timer and lease bookkeeping ({@link RunTiming}) and the `done`/`finished` promises are
 * made only when something needs them.
 */
type RunState = 'processing' | 'overrunning' | 'settling' | 'done';

export class ClaimRun implements Armable, ContextSource, ProcessorAnswerSink {
  #state: RunState = 'processing';
  readonly #deps: ClaimRunDeps;
  readonly #claim: Claim;
  /** Made on first read of `ctx.signal` (most processors never read it; AbortController is not free). */
  #controller: AbortController | undefined;
  #abortReason: Error | undefined;
  /** Epoch ms (the injected clock), for events and `ctx.deadline`. */
  readonly #startedAt: number;
  /** Monotonic ms: every timing decision uses it (through {@link RunTiming}). */
  readonly #startedMono: number;
  /** Deadline, lease and renewal state, made on first need (see {@link RunTiming}). */
  #timing: RunTiming | undefined;
  /** Overrunning: the timeout to settle once the processor returns. */
  #timedOut: TimeoutError | undefined;
  /** The processor has returned; with `#state === 'done'` that makes the run finished. */
  #returned = false;
  #onClaimAbort: (() => void) | undefined;
  /** Its place in this turn's list of runs to arm (see {@link armSoon}). */
  #armTicket = -1;
  /** How it ended, once `done` (made from `#appliedPlan` when asked, if the settlement was applied). */
  #summary: ClaimSummary | undefined;
  /** The settlement it applied, once done that way, and whether part of it was lost. */
  #appliedPlan: PlannedSettlement | undefined;
  #appliedInterrupted = false;
  /** The `done` and `finished` promises, made when asked for. */
  #waiters: RunWaiters | undefined;
  /** Told (synchronously) when the run is finished: its consumer's slot is free again. */
  readonly #onFinished: (() => void) | undefined;

  constructor(deps: ClaimRunDeps, claim: Claim, onFinished?: () => void) {
    this.#deps = deps;
    this.#claim = claim;
    this.#startedAt = deps.clock.now();
    this.#startedMono = monotonicNow();
    this.#onFinished = onFinished;
  }

  /** Resolves when the claim is settled, fenced off or given up. */
  get done(): Promise<ClaimSummary> {
    const waiters = (this.#waiters ??= new RunWaiters());
    if (waiters.done === undefined) {
      waiters.done = this.#state === 'done' ? Promise.resolve(this.#summaryNow()) : new Promise((resolve) => (waiters.resolveDone = resolve));
    }
    return waiters.done;
  }

  /** Resolves when the claim is done and the processor has returned: the concurrency slot is free again. */
  get finished(): Promise<void> {
    const waiters = (this.#waiters ??= new RunWaiters());
    if (waiters.finished === undefined) {
      waiters.finished = this.#state === 'done' && this.#returned ? Promise.resolve() : new Promise((resolve) => (waiters.resolveFinished = resolve));
    }
    return waiters.finished;
  }

  /** The processor has not been answered for yet (it runs, or it overran its deadline). */
  get active(): boolean {
    return this.#state === 'processing' || this.#state === 'overrunning';
  }

  /** Runs the processor. Call once. */
  start(): void {
    const { lifecycle, queue, consumerId, processor } = this.#deps;
    const claim = this.#claim;
    const messages = claim.messages;
    if (lifecycle.has('lease.acquired')) {
      lifecycle.emit('lease.acquired', { queue, kind: 'claim', resource: claim.id, owner: consumerId, token: claim.token, at: this.#startedAt });
    }
    if (lifecycle.has('message.received')) {
      lifecycle.emit('message.received', { queue, consumerId, messages, at: this.#startedAt });
    }
    if (claim.signal !== undefined && this.#watchClaim(claim.signal)) return;
    this.#armTicket = armSoon(this);
    let result: ReturnType<Processor>;
    try {
      result = mqkitInvokeProcessor(processor, messages, new RunContext(this, queue, consumerId, claim.shardId, this.#deps.logger));
    } catch (error) {
      this.#onProcessorError(error);
      return;
    }
    if (result !== undefined && result !== null && typeof (result as PromiseLike<unknown>).then === 'function') {
      void mqkitAwaitProcessor(result as PromiseLike<ProcessorResult>, this);
    } else {
      this.#onProcessorResult(result as ProcessorResult);
    }
  }

  /** The processor's promise settled (called by `mqkitAwaitProcessor`). */
  answered(answer: unknown, threw: boolean): void {
    if (threw) this.#onProcessorError(answer);
    else this.#onProcessorResult(answer as ProcessorResult);
  }

  /** Monotonic ms at which the run started. */
  get startedMono(): number {
    return this.#startedMono;
  }

  /** Shutdown deadline passed: abort the processor and give the messages back without counting the attempt. */
  abortForShutdown(): void {
    if (this.#state === 'processing') {
      this.#interrupt(new ShutdownError());
      this.#settle(releaseAll(this.#claim.messages), true);
    } else if (this.#state === 'overrunning') {
      // It already timed out (an attempt that failed): settle that now instead of waiting for it.
      this.#settle(this.#timeoutPlan(), true);
    }
  }

  /** Start the timer if the run still needs one (see {@link armSoon}). */
  arm(): void {
    if (this.#state !== 'done' && this.#timing?.timer === undefined) this.#schedule();
  }

  /** The processor's signal, made on first use. */
  signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#abortReason !== undefined) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }

  get leaseExpiresAt(): number {
    return this.#timing?.leaseExpiresAt ?? this.#claim.leaseExpiresAt;
  }

  get deadline(): number {
    return this.#startedAt + (this.#time().deadlineMono - this.#startedMono);
  }

  /** `ctx.extendLease`: waits for a renewal in flight, then renews for at least `ms`. */
  async extendLease(ms: number): Promise<void> {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) {
      throw new ValidationError('extendLease(ms)', `expected a positive finite number of ms, got ${String(ms)}`, 'pass how long, from now, the work may still take');
    }
    if (this.#state !== 'processing') throw this.#abortReason ?? new LeaseLostError();
    const timing = this.#time();
    timing.deadlineMono = Math.max(timing.deadlineMono, monotonicNow() + ms);
    const leaseMs = Math.max(timing.leaseMs, ms);
    while (timing.renewing !== undefined) await timing.renewing;
    if (this.#state !== 'processing') throw this.#abortReason ?? new LeaseLostError();
    await this.#renew(leaseMs);
    if (this.#state === 'processing') this.#schedule();
  }

  /** The run's timing, made now if it was not needed before (with the values it would have had from the start). */
  #time(): RunTiming {
    return (this.#timing ??= new RunTiming(this.#startedMono, this.#deps.settings, this.#claim.leaseExpiresAt));
  }

  /** True when the claim was already over at start (the processor is not called then). */
  #watchClaim(signal: AbortSignal): boolean {
    const lost = (): void => {
      if (this.active) this.#onLeaseLost(new LeaseLostError(`the provider ended claim ${this.#claim.id}: ${describeReason(signal.reason)}`));
    };
    if (signal.aborted) {
      this.#returned = true;
      lost();
      return true;
    }
    this.#onClaimAbort = lost;
    signal.addEventListener('abort', lost, { once: true });
    return false;
  }

  #onProcessorResult(value: ProcessorResult): void {
    if (this.#state === 'processing') {
      const now = this.#deps.clock.now();
      const plan = value === undefined || value === null ? ackAll(this.#claim.messages) : fromOutcomes(this.#claim.messages, value, this.#deps.settings.retry, now, this.#deps.random);
      this.#processorReturned();
      this.#settle(plan, false, now);
    } else this.#onLateReturn();
  }

  #onProcessorError(error: unknown): void {
    if (this.#state === 'processing') {
      this.#processorReturned();
      const now = this.#deps.clock.now();
      this.#settle(failAll(this.#claim.messages, error, this.#deps.settings.retry, now, this.#deps.random), false, now);
    } else this.#onLateReturn();
  }

  /** The processor returned after its claim was decided: free the slot, say how long it overran, and settle a held timeout. */
  #onLateReturn(): void {
    const { lifecycle, queue, consumerId, clock } = this.#deps;
    const at = clock.now();
    if (lifecycle.has('processor.overrun')) {
      lifecycle.emit('processor.overrun', { queue, consumerId, messages: this.#claim.messages, overrunMs: at - (this.#timing?.interruptedAt ?? 0), at });
    }
    const overran = this.#state === 'overrunning';
    this.#processorReturned();
    if (overran) this.#settle(this.#timeoutPlan(), true);
  }

  #timeoutPlan(): PlannedSettlement {
    const { settings, random, clock } = this.#deps;
    return failAll(this.#claim.messages, this.#timedOut ?? new TimeoutError(settings.timeoutMs), settings.retry, clock.now(), random);
  }

  #interrupt(reason: Error): void {
    if (this.#abortReason !== undefined) return;
    this.#time().interruptedAt = this.#deps.clock.now();
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  /** One timer for whatever comes first: the deadline, the next renewal, the lease's end. */
  #schedule(): void {
    this.#clearTimer();
    const state = this.#state;
    if (state === 'done') return;
    const timing = this.#time();
    let at = timing.leaseEnd;
    if (state === 'processing') at = Math.min(at, timing.deadlineMono);
    if (state !== 'settling' && this.#deps.renewLeases && timing.renewing === undefined) at = Math.min(at, timing.renewAt);
    timing.timerAt = at;
    timing.timer = setTimeout(() => this.#onTimer(), Math.max(0, at - monotonicNow()));
  }

  #clearTimer(): void {
    const timing = this.#timing;
    if (timing?.timer === undefined) return;
    clearTimeout(timing.timer);
    timing.timer = undefined;
  }

  #onTimer(): void {
    const timing = this.#time();
    timing.timer = undefined;
    if (this.#state === 'done') return;
    // A timer never fires early by the time it was set for (fake timers included).
    const now = Math.max(monotonicNow(), timing.timerAt);
    if (now >= timing.leaseEnd) return this.#onLeaseEnded();
    if (this.#state === 'processing' && now >= timing.deadlineMono) this.#onTimeout();
    if (this.active && this.#deps.renewLeases && timing.renewing === undefined && now >= timing.renewAt) {
      this.#renew(timing.leaseMs).catch(() => undefined);
    }
    this.#schedule();
  }

  /** By core's clock the lease is over: no renewal saved it in time (failing, hanging) or none was possible. */
  #onLeaseEnded(): void {
    const timing = this.#time();
    if (this.#state === 'settling' && timing.renewing === undefined) {
      this.#reportFailure('settle', new Error(`[mqkit] settle() of claim ${this.#claim.id} did not answer before its lease ended; its messages come back when the lease expires`), undefined);
      return this.#finish(INTERRUPTED);
    }
    const renewing = timing.renewing !== undefined ? ' (a renewal sent earlier has not answered)' : timing.renewFailures > 0 ? ` (the last ${timing.renewFailures} renewals failed)` : '';
    this.#onLeaseLost(new LeaseLostError(`lease of claim ${this.#claim.id} ran out by this consumer's clock${renewing}; the outcome is discarded and the messages will be delivered again`));
  }

  #onTimeout(): void {
    const { lifecycle, queue, consumerId, settings, clock } = this.#deps;
    const error = new TimeoutError(settings.timeoutMs);
    this.#interrupt(error);
    if (lifecycle.has('processor.timeout')) {
      lifecycle.emit('processor.timeout', { queue, consumerId, messages: this.#claim.messages, timeoutMs: settings.timeoutMs, at: clock.now() });
    }
    if (settings.ordered && !this.#returned) {
      // Keep the key: the timed-out attempt is settled once the processor really stops.
      this.#state = 'overrunning';
      this.#timedOut = error;
    } else {
      this.#settle(this.#timeoutPlan(), true);
    }
  }

  /** Renews the lease (automatic renewal, or `extendLease`): one at a time; a lost lease ends the run. */
  #renew(leaseMs: number): Promise<void> {
    const { receiver, lifecycle, queue, consumerId, clock } = this.#deps;
    const timing = this.#time();
    const sentAt = monotonicNow();
    let call: Promise<number>;
    try {
      call = receiver.renew(this.#claim, leaseMs);
    } catch (error) {
      call = Promise.reject(error);
    }
    const renewal = call.then(
      (expiresAt) => {
        timing.renewing = undefined;
        if (this.#state === 'done') return;
        timing.leaseMs = leaseMs;
        timing.leaseEnd = Math.max(timing.leaseEnd, leaseEnd(sentAt, leaseMs));
        timing.renewAt = nextRenewal(sentAt, leaseMs);
        timing.renewFailures = 0;
        if (typeof expiresAt === 'number') timing.leaseExpiresAt = expiresAt;
        if (lifecycle.has('lease.renewed')) {
          lifecycle.emit('lease.renewed', { queue, kind: 'claim', resource: this.#claim.id, owner: consumerId, token: this.#claim.token, at: clock.now() });
        }
        if (timing.timer !== undefined) this.#schedule();
      },
      (error: unknown) => {
        timing.renewing = undefined;
        if (this.#state === 'done') throw error;
        if (isMqkitError(error, ErrorCode.LeaseLost)) {
          this.#onLeaseLost(error);
        } else {
          timing.renewFailures++;
          const retryInMs = renewalBackoff(timing.renewFailures, timing.leaseMs);
          timing.renewAt = monotonicNow() + retryInMs;
          this.#reportFailure('renew', error, this.active ? retryInMs : undefined);
          if (timing.timer !== undefined) this.#schedule();
        }
        throw error;
      },
    );
    timing.renewing = renewal.then(noop, noop);
    return renewal;
  }

  #onLeaseLost(error: Error): void {
    if (this.#state === 'done') return;
    const { lifecycle, queue, consumerId, clock } = this.#deps;
    if (lifecycle.has('lease.lost')) {
      lifecycle.emit('lease.lost', { queue, kind: 'claim', resource: this.#claim.id, owner: consumerId, token: this.#claim.token, at: clock.now() });
    }
    if (this.active) this.#interrupt(error);
    this.#finish(INTERRUPTED);
  }

  /**
   * Applies the decided outcome (after any renewal in flight has answered). `now`: when the
   * outcome was decided; events of a settlement done at once carry it.
   */
  #settle(decided: PlannedSettlement, interrupted: boolean, now?: number): void {
    this.#state = 'settling';
    const { settings, perMessageSettle } = this.#deps;
    const messages = this.#claim.messages;
    let plan = settings.ordered ? orderSafe(decided, messages) : decided;
    if (!perMessageSettle) plan = leadingRun(plan, messages);
    const timing = this.#timing;
    if (timing?.timer !== undefined) this.#schedule(); // now only the lease's end matters
    if (timing?.renewing !== undefined) {
      void timing.renewing.then(() => {
        if (this.#state === 'settling') this.#send(plan, interrupted, now); // otherwise the renewal found the lease lost
      });
      return;
    }
    this.#send(plan, interrupted, now);
  }

  /**
   * The first try at applying `plan`; if it fails, {@link settleWithRetry} takes over. When the
   * receiver hands back a promise already seen fulfilled (the memory provider returns one shared
   * promise for every settlement it applied at once), there is nothing to wait for: awaiting it
   * again could only give the same value, so the run goes on now instead of a microtask later.
   */
  #send(plan: PlannedSettlement, interrupted: boolean, now: number | undefined): void {
    let call: PromiseLike<unknown>;
    try {
      call = this.#deps.receiver.settle(this.#claim, plan);
    } catch (error) {
      call = Promise.reject(error);
    }
    if (call === fulfilledSettle) return this.#applied(plan, interrupted, now, lostIds(fulfilledValue));
    const promise = Promise.resolve(call);
    promise.then(
      (result) => {
        // Only a native promise is sure to give the same value every time.
        if (promise === call) {
          fulfilledSettle = call;
          fulfilledValue = result;
        }
        // Not settling any more: the lease ended while the settlement was in flight; it is given up.
        if (this.#state === 'settling') this.#applied(plan, interrupted, now, lostIds(result));
      },
      (error: unknown) => {
        if (this.#state !== 'settling') return;
        void settleWithRetry(this.#retries(plan), { error }).then((outcome) => this.#afterRetries(outcome, plan, interrupted, now));
      },
    );
  }

  #retries(plan: PlannedSettlement): SettleAttempts {
    return {
      receiver: this.#deps.receiver,
      claim: this.#claim,
      settlement: plan,
      until: () => this.#time().leaseEnd,
      wanted: () => this.#state === 'settling',
      onFailure: (error, retryInMs) => this.#reportFailure('settle', error, retryInMs),
    };
  }

  #afterRetries(outcome: SettleOutcome, plan: PlannedSettlement, interrupted: boolean, now: number | undefined): void {
    if (outcome.kind === 'abandoned') return;
    if (outcome.kind === 'lost') return this.#onLeaseLost(outcome.error);
    if (outcome.kind === 'gave-up') return this.#finish(INTERRUPTED);
    this.#applied(plan, interrupted, now, outcome.lost);
  }

  /** The settlement was applied (`lost`: messages a per-message-fenced backend no longer held): report it and end. */
  #applied(plan: PlannedSettlement, interrupted: boolean, now: number | undefined, lost: readonly string[]): void {
    const { lifecycle, queue, consumerId, clock } = this.#deps;
    if (lost.length > 0) {
      this.#onPartialLoss(lost);
      plan = withoutLost(plan, lost);
      interrupted = true;
    }
    const at = now ?? clock.now();
    if (lifecycle.has('lease.released')) {
      lifecycle.emit('lease.released', { queue, kind: 'claim', resource: this.#claim.id, owner: consumerId, token: this.#claim.token, at });
    }
    if (plan.ack.length > 0 && lifecycle.has('message.processed')) {
      lifecycle.emit('message.processed', { queue, consumerId, messages: plan.ack, durationMs: at - this.#startedAt, at });
    }
    // Index loops: `for…of` over the frozen empty arrays of an all-ack plan allocated an iterator
    // and its results on every claim (V8 did not optimise them away).
    const { failures, deadLetter } = plan;
    for (let i = 0; i < failures.length; i++) {
      const failure = failures[i]!;
      const { message, error } = failure;
      const willRetry = failure.reason === undefined;
      if (lifecycle.has('message.failed') && (willRetry || failure.reason !== 'explicit')) {
        lifecycle.emit('message.failed', { queue, consumerId, message, error, willRetry, at });
      }
      if (willRetry && lifecycle.has('message.retried')) lifecycle.emit('message.retried', { queue, message, delayMs: failure.delayMs ?? 0, at });
    }
    for (let i = 0; i < deadLetter.length; i++) {
      const dead = deadLetter[i]!;
      if (lifecycle.has('message.dead-lettered')) {
        lifecycle.emit('message.dead-lettered', { queue, message: dead.message, reason: dead.reason, error: dead.error, at });
      }
    }
    this.#appliedPlan = plan;
    this.#appliedInterrupted = interrupted;
    this.#finish(undefined);
  }

  #onPartialLoss(lost: readonly string[]): void {
    const { lifecycle, queue, consumerId, clock, logger } = this.#deps;
    logger.warn('part of a claim was fenced off: those messages will be delivered again', { queue, consumerId, claim: this.#claim.id, lost });
    if (lifecycle.has('lease.lost')) {
      lifecycle.emit('lease.lost', { queue, kind: 'claim', resource: this.#claim.id, owner: consumerId, token: this.#claim.token, at: clock.now() });
    }
  }

  #reportFailure(operation: 'renew' | 'settle', error: unknown, retryInMs: number | undefined): void {
    const { lifecycle, queue, consumerId, clock, logger } = this.#deps;
    const what =
      operation === 'renew'
        ? retryInMs === undefined
          ? 'lease renewal failed'
          : `lease renewal failed; retrying in ${Math.round(retryInMs)} ms`
        : retryInMs === undefined
          ? 'settling a batch failed; giving up: its messages will be redelivered after the lease expires'
          : `settling a batch failed; retrying in ${Math.round(retryInMs)} ms`;
    if (retryInMs === undefined && operation === 'settle') logger.error(what, { queue, consumerId, claim: this.#claim.id, error });
    else logger.warn(what, { queue, consumerId, claim: this.#claim.id, error });
    if (lifecycle.has('consumer.error')) {
      lifecycle.emit('consumer.error', { queue, consumerId, error, operation, retryInMs, at: clock.now() });
    }
  }

  /** `summary`: how it ended, or `undefined` when it applied `#appliedPlan` (the summary is made from that when asked). */
  #finish(summary: ClaimSummary | undefined): void {
    this.#state = 'done';
    this.#clearTimer();
    disarm(this, this.#armTicket);
    if (this.#onClaimAbort !== undefined) this.#claim.signal?.removeEventListener('abort', this.#onClaimAbort);
    this.#summary = summary;
    this.#waiters?.resolveDone?.(this.#summaryNow());
    if (this.#returned) this.#finishedNow();
  }

  /** How the run ended (it is done). */
  #summaryNow(): ClaimSummary {
    if (this.#summary === undefined) {
      const plan = this.#appliedPlan!;
      this.#summary = { acked: plan.ack.length, retried: plan.retry.length, deadLettered: plan.deadLetter.length, interrupted: this.#appliedInterrupted };
    }
    return this.#summary;
  }

  #processorReturned(): void {
    this.#returned = true;
    if (this.#state === 'done') this.#finishedNow();
  }

  #finishedNow(): void {
    this.#waiters?.resolveFinished?.();
    this.#onFinished?.();
  }
}

/** A run's `done` and `finished` promises, made only for whoever asks (a pull, a shutdown, a test). */
class RunWaiters {
  done: Promise<ClaimSummary> | undefined = undefined;
  resolveDone: ((summary: ClaimSummary) => void) | undefined = undefined;
  finished: Promise<void> | undefined = undefined;
  resolveFinished: (() => void) | undefined = undefined;
}

function withoutLost(plan: PlannedSettlement, lost: readonly string[]): PlannedSettlement {
  const gone = new Set(lost);
  const kept = (m: { readonly id: string }): boolean => !gone.has(m.id);
  return {
    ack: plan.ack.filter(kept),
    retry: plan.retry.filter((r) => kept(r.message)),
    deadLetter: plan.deadLetter.filter((d) => kept(d.message)),
    release: plan.release.filter(kept),
    failures: plan.failures.filter((f) => kept(f.message)),
  };
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return typeof reason === 'string' ? reason : 'no reason given';
}

function noop(): void {}
