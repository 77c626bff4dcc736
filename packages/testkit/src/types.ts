import type { Capabilities, CapabilityName, CapabilityNotes, Queue, QueueConfig } from '@mqkit/core';

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
  /**
   * True when the worlds from `setup()` implement `pause()`/`resume()` (see the `pausable()` helper,
   * which gives any provider this for free). Without it the fencing case is skipped with that reason.
   */
  readonly canPause?: boolean;
  /** A backend "world" for one test; queues made from one world share storage, like several processes on one database. */
  setup(): Promise<ConformanceWorld>;
}

export interface ConformanceWorld {
  /** A queue on this world's backend (a new provider instance each call: a new "process"). */
  createQueue(config?: Omit<QueueConfig, 'provider'>): Promise<Queue>;
  /**
   * Kill a queue of this world as a crashed process dies: nothing released or acked, leases left to
   * expire. Absent = crash recovery cannot be tested (declare `canCrash: false` on the target).
   */
  crash?(queue: Queue): Promise<void>;
  /**
   * Freeze a queue of this world like a process stopped with SIGSTOP (or a long GC pause): its
   * provider makes no calls until `resume(queue)`, then the calls it had pending go through with the
   * claims they had. Wrap each provider with `pausable()` to implement both.
   */
  pause?(queue: Queue): Promise<void>;
  resume?(queue: Queue): Promise<void>;
  /** Release everything the world holds (servers, schemas, timers). Called once, after each case. */
  teardown(): Promise<void>;
}

export interface ConformanceOptions {
  /** Stress mode: register each case this many times. Default 1. */
  readonly repeat?: number;
  /** Multiplies every lease, delay and timeout the suite uses, for slow backends. Default 1. */
  readonly timeScale?: number;
}

/** What a case needs besides nothing: a capability, or a target that can crash a queue. */
export type Requirement = CapabilityName | 'crash' | 'pause';

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

export interface CaseWorld {
  createQueue(config?: Omit<QueueConfig, 'provider'>): Promise<Queue>;
  /** Crash `queue` (only called by cases that require `'crash'`). */
  crash(queue: Queue): Promise<void>;
  /** Freeze / thaw `queue` (only called by cases that require `'pause'`). */
  pause(queue: Queue): Promise<void>;
  resume(queue: Queue): Promise<void>;
}
