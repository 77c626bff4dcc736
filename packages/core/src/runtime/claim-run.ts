import { LeaseLostError } from '../errors/lease-lost-error.js';
import { ShutdownError } from '../errors/shutdown-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { Lifecycle } from '../lifecycle/lifecycle.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { Claim, Receiver } from '../contracts/provider.js';
import type { Processor, ProcessorContext, ProcessorResult } from '../contracts/processor.js';
import type { ConsumeSettings } from './consume-settings.js';
import { ackAll, failAll, fromOutcomes, releaseAll, type PlannedSettlement } from './outcome-settlement.js';

export interface ClaimRunDeps {
  readonly queue: string;
  readonly consumerId: string;
  readonly receiver: Receiver;
  readonly processor: Processor;
  readonly settings: ConsumeSettings;
  /** Renew the lease while the processor works (provider has `leaseExtension`). */
  readonly renewLeases: boolean;
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
  /** Timed out, lost its lease, or was aborted at shutdown. */
  readonly interrupted: boolean;
}

/**
 * One claim's life: `processing` until the first of — the processor returns, the deadline passes,
 * the lease is lost, shutdown aborts it — then `settling`, then `done`. Whatever ends `processing`
 * decides the settlement; a processor result that arrives later is discarded (and reported as an
 * overrun). The concurrency slot stays taken until the processor itself returns.
 */
type RunState = 'processing' | 'settling' | 'done';

export class ClaimRun {
  #state: RunState = 'processing';
  readonly #deps: ClaimRunDeps;
  readonly #claim: Claim;
  /** Made on first read of `ctx.signal` (most processors never read it; AbortController is not free). */
  #controller: AbortController | undefined;
  #abortReason: Error | undefined;
  readonly #startedAt: number;
  #deadline: number;
  #leaseExpiresAt: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #interruptedAt = 0;
  #resolveDone!: (summary: ClaimSummary) => void;
  #resolveFinished!: () => void;
  /** The processor has returned; with `#state === 'done'` that makes the run `finished`. */
  #returned = false;

  /** Resolves when the claim is settled (or its lease was lost). */
  readonly done: Promise<ClaimSummary>;
  /** Resolves when the claim is settled and the processor has returned: the concurrency slot is free again. */
  readonly finished: Promise<void>;

  constructor(deps: ClaimRunDeps, claim: Claim) {
    this.#deps = deps;
    this.#claim = claim;
    this.#startedAt = deps.clock.now();
    this.#deadline = this.#startedAt + deps.settings.timeoutMs;
    this.#leaseExpiresAt = claim.leaseExpiresAt;
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    this.finished = new Promise((resolve) => (this.#resolveFinished = resolve));
  }

  get processing(): boolean {
    return this.#state === 'processing';
  }

  /** Runs the processor. Call once. */
  start(): void {
    const { lifecycle, queue, consumerId, processor } = this.#deps;
    const messages = this.#claim.messages;
    if (lifecycle.has('lease.acquired')) {
      lifecycle.emit('lease.acquired', { queue, resource: this.#claim.id, owner: consumerId, token: this.#claim.token, at: this.#startedAt });
    }
    if (lifecycle.has('message.received')) {
      lifecycle.emit('message.received', { queue, consumerId, messages, at: this.#startedAt });
    }
    armSoon(this);
    let result: ReturnType<Processor>;
    try {
      result = processor(messages, this.#context());
    } catch (error) {
      this.#onProcessorError(error);
      return;
    }
    if (result !== undefined && typeof (result as Promise<unknown>).then === 'function') {
      (result as Promise<ProcessorResult>).then(
        (value) => this.#onProcessorResult(value),
        (error: unknown) => this.#onProcessorError(error),
      );
    } else {
      this.#onProcessorResult(result as ProcessorResult);
    }
  }

  /** Shutdown deadline passed: abort the processor and give the messages back without counting the attempt. */
  abortForShutdown(): void {
    if (this.#state !== 'processing') return;
    this.#interrupt(new ShutdownError());
    void this.#settle(releaseAll(this.#claim.messages), true);
  }

  /** Start the deadline/renewal timer if the processor is still running (see {@link armSoon}). */
  arm(): void {
    if (this.#state === 'processing' && this.#timer === undefined) this.#schedule();
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
    return this.#leaseExpiresAt;
  }

  get deadline(): number {
    return this.#deadline;
  }

  #context(): ProcessorContext {
    return new RunContext(this, this.#deps, this.#claim.shardId);
  }

  #onProcessorResult(value: ProcessorResult): void {
    if (this.#state !== 'processing') return this.#onLateReturn();
    const now = this.#deps.clock.now();
    const plan = value === undefined || value === null ? ackAll(this.#claim.messages) : fromOutcomes(this.#claim.messages, value, this.#deps.settings.retry, now, this.#deps.random);
    this.#processorReturned();
    void this.#settle(plan, false, now);
  }

  #onProcessorError(error: unknown): void {
    if (this.#state !== 'processing') return this.#onLateReturn();
    this.#processorReturned();
    const now = this.#deps.clock.now();
    void this.#settle(failAll(this.#claim.messages, error, this.#deps.settings.retry, now, this.#deps.random), false, now);
  }

  /** The processor returned after its claim was already decided: free the slot and say how long it overran. */
  #onLateReturn(): void {
    const { lifecycle, queue, consumerId, clock } = this.#deps;
    const at = clock.now();
    if (lifecycle.has('processor.overrun')) {
      lifecycle.emit('processor.overrun', { queue, consumerId, messages: this.#claim.messages, overrunMs: at - this.#interruptedAt, at });
    }
    this.#processorReturned();
  }

  #interrupt(reason: Error): void {
    this.#state = 'settling';
    this.#interruptedAt = this.#deps.clock.now();
    this.#clearTimer();
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  #schedule(): void {
    this.#clearTimer();
    const now = this.#deps.clock.now();
    let at = this.#deadline;
    if (this.#deps.renewLeases) at = Math.min(at, this.#leaseExpiresAt - this.#deps.settings.leaseMs * (2 / 3));
    this.#timer = setTimeout(() => this.#onTimer(), Math.max(0, at - now));
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #onTimer(): void {
    this.#timer = undefined;
    if (this.#state !== 'processing') return;
    const now = this.#deps.clock.now();
    if (now >= this.#deadline) return this.#onTimeout(now);
    // Whether the renewal worked or failed for a passing reason, the deadline must still fire;
    // a lost lease has already ended the run (#renew handled it).
    const next = (): void => {
      if (this.#state === 'processing') this.#schedule();
    };
    this.#renew().then(next, next);
  }

  #onTimeout(now: number): void {
    const { lifecycle, queue, consumerId, settings } = this.#deps;
    const error = new TimeoutError(settings.timeoutMs);
    this.#interrupt(error);
    if (lifecycle.has('processor.timeout')) {
      lifecycle.emit('processor.timeout', { queue, consumerId, messages: this.#claim.messages, timeoutMs: settings.timeoutMs, at: now });
    }
    void this.#settle(failAll(this.#claim.messages, error, settings.retry, now, this.#deps.random), true);
  }

  /** Renews the lease (automatic renewal, or `extendLease`); a lost lease ends the run. */
  async #renew(leaseMs = this.#deps.settings.leaseMs): Promise<void> {
    const { receiver, lifecycle, queue, consumerId, clock } = this.#deps;
    try {
      this.#leaseExpiresAt = await receiver.renew(this.#claim, leaseMs);
      if (lifecycle.has('lease.renewed')) {
        lifecycle.emit('lease.renewed', { queue, resource: this.#claim.id, owner: consumerId, token: this.#claim.token, at: clock.now() });
      }
    } catch (error) {
      if (error instanceof LeaseLostError) this.#onLeaseLost(error);
      else this.#deps.logger.warn('lease renewal failed; will retry at the next renewal', { queue, consumerId, error });
      throw error;
    }
  }

  /** `ctx.extendLease`. */
  async extendLease(ms: number): Promise<void> {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) {
      throw new ValidationError('extendLease(ms)', `expected a positive finite number of ms, got ${String(ms)}`, 'pass how long, from now, the work may still take');
    }
    if (this.#state !== 'processing') throw this.#abortReason ?? new LeaseLostError();
    const now = this.#deps.clock.now();
    this.#deadline = Math.max(this.#deadline, now + ms);
    const leaseMs = Math.max(this.#deps.settings.leaseMs, ms);
    await this.#renew(leaseMs);
    if (this.#state === 'processing') this.#schedule();
  }

  #onLeaseLost(error: LeaseLostError): void {
    const { lifecycle, queue, consumerId, clock } = this.#deps;
    if (lifecycle.has('lease.lost')) {
      lifecycle.emit('lease.lost', { queue, resource: this.#claim.id, owner: consumerId, token: this.#claim.token, at: clock.now() });
    }
    if (this.#state === 'processing') this.#interrupt(error);
    this.#finish({ acked: 0, retried: 0, deadLettered: 0, interrupted: true });
  }

  /** `now`: when the outcome was decided; events of a settlement done at once carry it. */
  async #settle(plan: PlannedSettlement, interrupted: boolean, now?: number): Promise<void> {
    this.#state = 'settling';
    this.#clearTimer();
    const { receiver, lifecycle, queue, consumerId, clock, logger } = this.#deps;
    try {
      await receiver.settle(this.#claim, plan);
    } catch (error) {
      if (error instanceof LeaseLostError) return this.#onLeaseLost(error);
      // The messages stay leased and come back when the lease expires: nothing is lost.
      logger.error('settling a batch failed; its messages will be redelivered after the lease expires', { queue, consumerId, error });
      if (lifecycle.has('consumer.error')) {
        lifecycle.emit('consumer.error', { queue, consumerId, error, operation: 'settle', retryInMs: 0, at: clock.now() });
      }
      return this.#finish({ acked: 0, retried: 0, deadLettered: 0, interrupted: true });
    }
    const at = now ?? clock.now();
    if (lifecycle.has('lease.released')) {
      lifecycle.emit('lease.released', { queue, resource: this.#claim.id, owner: consumerId, token: this.#claim.token, at });
    }
    if (plan.ack.length > 0 && lifecycle.has('message.processed')) {
      lifecycle.emit('message.processed', { queue, consumerId, messages: plan.ack, durationMs: at - this.#startedAt, at });
    }
    for (const failure of plan.failures) {
      const { message, error } = failure;
      const willRetry = failure.reason === undefined;
      if (lifecycle.has('message.failed') && (willRetry || failure.reason !== 'explicit')) {
        lifecycle.emit('message.failed', { queue, consumerId, message, error, willRetry, at });
      }
      if (willRetry) {
        if (lifecycle.has('message.retried')) lifecycle.emit('message.retried', { queue, message, delayMs: failure.delayMs ?? 0, at });
      }
    }
    for (const dead of plan.deadLetter) {
      if (lifecycle.has('message.dead-lettered')) {
        lifecycle.emit('message.dead-lettered', { queue, message: dead.message, reason: dead.reason, error: dead.error, at });
      }
    }
    this.#finish({
      acked: plan.ack.length,
      retried: plan.retry.length,
      deadLettered: plan.deadLetter.length,
      interrupted,
    });
  }

  #finish(summary: ClaimSummary): void {
    this.#state = 'done';
    this.#clearTimer();
    disarm(this);
    this.#resolveDone(summary);
    if (this.#returned) this.#resolveFinished();
  }

  #processorReturned(): void {
    this.#returned = true;
    if (this.#state === 'done') this.#resolveFinished();
  }
}

/**
 * The `ctx` a processor gets. A class, not an object literal with getters: V8 keeps class
 * instances in fast mode, and a literal with accessors made per batch cost full GCs.
 */
class RunContext implements ProcessorContext {
  readonly queue: string;
  readonly consumerId: string;
  readonly logger: Logger;

  constructor(
    private readonly run: ClaimRun,
    deps: ClaimRunDeps,
    readonly shardId: string | undefined,
  ) {
    this.queue = deps.queue;
    this.consumerId = deps.consumerId;
    this.logger = deps.logger;
  }

  get signal(): AbortSignal {
    return this.run.signal();
  }

  get leaseExpiresAt(): number {
    return this.run.leaseExpiresAt;
  }

  get deadline(): number {
    return this.run.deadline;
  }

  extendLease(ms: number): Promise<void> {
    return this.run.extendLease(ms);
  }
}

/**
 * Most batches finish within the turn they start in, so their deadline timer would be created
 * only to be cleared. Runs are armed once per event-loop turn instead, for those still
 * processing; the timer still fires at the run's own deadline (computed from its start).
 */
const unarmed = new Set<ClaimRun>();
let armScheduled = false;

function armSoon(run: ClaimRun): void {
  unarmed.add(run);
  if (armScheduled) return;
  armScheduled = true;
  setImmediate(armAll);
}

/** A run that finished before its turn ended leaves the set (it must not be kept alive until then). */
function disarm(run: ClaimRun): void {
  unarmed.delete(run);
}

function armAll(): void {
  armScheduled = false;
  for (const run of unarmed) run.arm();
  unarmed.clear();
}
