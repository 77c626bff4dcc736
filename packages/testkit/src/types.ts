import type { Capabilities, CapabilityName, CapabilityNotes, Queue, QueueConfig, QueueProvider } from '@mqkit/core';
import type { DifficultOptions, DifficultProvider } from './difficult/difficult-provider.js';

/** A test function: what the runner's `it` takes. May return a promise. */
export type TestFn = () => Promise<void> | void;

/** The runner's `it` (vitest, jest, mocha and node:test all fit): `it(name, fn, timeout)` and `it.skip(name, fn)`. */
export interface ItLike {
  (name: string, fn: TestFn, timeout?: number): void;
  skip(name: string, fn: TestFn): void;
}

/** The runner's `describe` and `it`. The suite never imports a test framework itself. */
export interface TestApi {
  describe: (name: string, fn: () => void) => void;
  it: ItLike;
}

/** What a provider hands to {@link runQueueConformance}. */
export interface ConformanceTarget {
  /** Shown in the suite name and in skip reasons, e.g. `'memory'`. */
  readonly name: string;
  /**
   * What the provider promises. Test registration is synchronous (a case is registered as run or
   * skipped before anything async happens), so the target declares them up front — usually
   * `provider.capabilities` of a provider instance that is never opened. A case checks that every
   * queue the world makes reports exactly these.
   */
  readonly capabilities: Capabilities;
  /** Why each missing capability is missing (`provider.capabilityNotes`), printed next to skipped cases. */
  readonly capabilityNotes?: CapabilityNotes;
  /**
   * True when the worlds from `setup()` implement `crash()`. Without it the crash-recovery cases
   * are skipped with that reason.
   */
  readonly canCrash?: boolean;
  /** A backend "world" for one test; providers made from one world share storage, like several processes on one database. */
  setup(): Promise<ConformanceWorld>;
}

/** What a case may ask of a provider the world makes. A target honours each option its capabilities concern. */
export interface WorldProviderOptions {
  /** With `backpressure`: the queues' capacity (most messages waiting). */
  readonly capacity?: number;
  /** With `dedupe`: how long a dedupe key is kept after its message settled (ms). */
  readonly dedupeWindowMs?: number;
}

export interface ConformanceWorld {
  /**
   * A new, unopened provider on this world's backend: a new "process". The suite wraps it (to
   * pause it, to make it difficult) and opens it with `createQueue`. Honour `options` where your
   * capabilities concern them (`capacity` with `backpressure`, `dedupeWindowMs` with `dedupe`).
   */
  createProvider(options?: WorldProviderOptions): QueueProvider | Promise<QueueProvider>;
  /**
   * Kill a provider of this world as a crashed process dies: nothing released or acked, leases
   * left to expire. Absent = crash recovery cannot be tested (declare `canCrash: false`).
   */
  crash?(provider: QueueProvider): Promise<void>;
  /** Release everything the world holds (servers, schemas, timers). Called once, after each case, after its queues were closed. */
  teardown(): Promise<void>;
}

export interface ConformanceOptions {
  /** Stress mode: register each case this many times. Default 1. */
  readonly repeat?: number;
  /** Multiplies every lease, delay and timeout the suite uses, for slow backends. Default 1. */
  readonly timeScale?: number;
}

/** What a case needs besides nothing: a capability, or a target that can crash a queue. */
export type Requirement = CapabilityName | 'crash';

/** One conformance case: a sentence-like name, what it needs, and its body. */
export interface ConformanceCase {
  readonly name: string;
  readonly requires?: readonly Requirement[];
  /** Test timeout before scaling. Default 10000. */
  readonly timeoutMs?: number;
  run(ctx: CaseContext): Promise<void>;
}

/** Handed to every case: its own world, and the time scale. */
export interface CaseContext {
  readonly target: ConformanceTarget;
  /** The world of this case: queues it makes are closed after the case, then the world is torn down. */
  readonly world: CaseWorld;
  /** Scales a duration by the suite's `timeScale`. */
  ms(value: number): number;
}

/** How a case wants one queue's provider. */
export interface CaseQueueOptions {
  /** Passed to the world's `createProvider`. */
  readonly provider?: WorldProviderOptions;
  /** Faults for the queue's difficult wrapper (every queue has one; without faults it only watches). */
  readonly faults?: DifficultOptions;
}

export interface CaseWorld {
  /** A queue on a new provider of this world (a new "process"), wrapped so it can be paused and made difficult. */
  createQueue(config?: Omit<QueueConfig, 'provider'>, options?: CaseQueueOptions): Promise<Queue>;
  /** The difficult wrapper of `queue`'s provider: its call log, its script, `release()`, `endClaims()`. */
  difficulty(queue: Queue): DifficultProvider;
  /** `queue`'s own provider as the world made it (opened by the queue, unwrapped), for cases that check the SPI directly. */
  provider(queue: Queue): QueueProvider;
  /** Crash `queue` (only called by cases that require `'crash'`). */
  crash(queue: Queue): Promise<void>;
  /** Freeze `queue` like SIGSTOP: its provider calls wait until `resume`, then go through with the claims they had. */
  pause(queue: Queue): Promise<void>;
  resume(queue: Queue): Promise<void>;
}
