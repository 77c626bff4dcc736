import { createQueue, type Queue, type QueueConfig, type QueueProvider } from '@mqkit/core';
import { difficult, type DifficultProvider } from './difficult/difficult-provider.js';
import { pausable, type PausableProvider } from './helpers/pausable.js';
import { CASE_GROUPS } from './cases/index.js';
import type { CaseContext, CaseQueueOptions, ConformanceCase, ConformanceOptions, ConformanceTarget, Requirement, TestApi } from './types.js';
import { within } from './helpers/until.js';

const DEFAULT_TIMEOUT_MS = 10_000;
/** Closing a case's queues: their consumers get this shutdown deadline… */
const CLOSE_DEADLINE_MS = 500;
/** …and close() must resolve within this (a hanging close fails the case). */
const CLOSE_LIMIT_MS = 5_000;

/**
 * Registers the mqkit conformance suite for one provider with the caller's test framework.
 * Each case gets its own world (`target.setup()`); every queue it makes is a new provider of that
 * world, wrapped by the suite so it can be paused (`pausable`) and made difficult (`difficult`),
 * and opened with core's `createQueue`. After the case its queues are closed and the world torn
 * down, pass or fail. A case whose capability the target does not declare is registered with
 * `it.skip` and the reason in its name.
 *
 * ```ts
 * runQueueConformance({ describe, it }, { name: 'memory', capabilities, setup }, { repeat: 1 });
 * ```
 */
export function runQueueConformance(api: TestApi, target: ConformanceTarget, options: ConformanceOptions = {}): void {
  const repeat = options.repeat ?? 1;
  const timeScale = options.timeScale ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1) throw new TypeError(`[mqkit] [testkit] repeat must be an integer ≥ 1, got ${String(repeat)}`);
  if (!(typeof timeScale === 'number' && Number.isFinite(timeScale) && timeScale > 0)) {
    throw new TypeError(`[mqkit] [testkit] timeScale must be a number > 0, got ${String(timeScale)}`);
  }
  if (typeof target?.setup !== 'function' || typeof target.capabilities !== 'object') {
    throw new TypeError('[mqkit] [testkit] the target needs a name, its capabilities and setup()');
  }
  api.describe(`mqkit conformance: ${target.name}`, () => {
    for (const [area, cases] of CASE_GROUPS) {
      api.describe(area, () => {
        for (const c of cases) register(api, target, c, repeat, timeScale);
      });
    }
  });
}

function register(api: TestApi, target: ConformanceTarget, c: ConformanceCase, repeat: number, timeScale: number): void {
  const missing = (c.requires ?? []).find((r) => !satisfied(target, r));
  for (let i = 1; i <= repeat; i++) {
    const name = repeat > 1 ? `${c.name} [${i}/${repeat}]` : c.name;
    if (missing !== undefined) {
      api.it.skip(`${name} — skipped: ${skipReason(target, missing)}`, () => undefined);
    } else {
      api.it(name, () => runCase(target, c, timeScale), Math.round((c.timeoutMs ?? DEFAULT_TIMEOUT_MS) * timeScale) + CLOSE_LIMIT_MS);
    }
  }
}

function satisfied(target: ConformanceTarget, requirement: Requirement): boolean {
  if (requirement === 'crash') return target.canCrash === true;
  return target.capabilities[requirement] === true;
}

/** `provider "memory" lacks 'ordering': <note or "not declared">` */
export function skipReason(target: ConformanceTarget, requirement: Requirement): string {
  const note =
    requirement === 'crash'
      ? 'the target cannot crash a provider (declare canCrash: true and implement world.crash())'
      : (target.capabilityNotes?.[requirement] ?? 'not declared');
  return `provider "${target.name}" lacks '${requirement}': ${note}`;
}

interface Process {
  readonly provider: QueueProvider;
  readonly difficulty: DifficultProvider;
  readonly freezer: PausableProvider;
}

async function runCase(target: ConformanceTarget, c: ConformanceCase, timeScale: number): Promise<void> {
  const world = await target.setup();
  const queues: Queue[] = [];
  const processes = new Map<Queue, Process>();
  const processOf = (queue: Queue): Process => {
    const p = processes.get(queue);
    if (p === undefined) throw new Error('[mqkit] [testkit] that queue was not made by this case\'s world');
    return p;
  };
  const ctx: CaseContext = {
    target,
    ms: (value) => Math.round(value * timeScale),
    world: {
      async createQueue(config?: Omit<QueueConfig, 'provider'>, options: CaseQueueOptions = {}) {
        const provider = await world.createProvider(options.provider);
        const difficulty = difficult(provider, options.faults);
        const freezer = pausable(difficulty.provider);
        const queue = await createQueue({ ...config, provider: freezer.provider });
        queues.push(queue);
        processes.set(queue, { provider, difficulty, freezer });
        return queue;
      },
      difficulty: (queue) => processOf(queue).difficulty,
      provider: (queue) => processOf(queue).provider,
      async crash(queue) {
        if (typeof world.crash !== 'function') throw new Error(`[mqkit] [testkit] target "${target.name}" declares canCrash but its world has no crash()`);
        await world.crash(processOf(queue).provider);
      },
      async pause(queue) {
        processOf(queue).freezer.pause();
      },
      async resume(queue) {
        processOf(queue).freezer.resume();
      },
    },
  };
  let failed = true;
  try {
    await c.run(ctx);
    failed = false;
  } finally {
    try {
      // Every queue the case made is closed (idempotent if the case already did), then the world goes.
      for (const p of processes.values()) {
        p.freezer.resume(); // a paused or hung process must not hold its close
        p.difficulty.script = undefined;
        p.difficulty.release();
      }
      const closing = Promise.all(queues.map((q) => q.close({ timeoutMs: ctx.ms(CLOSE_DEADLINE_MS) })));
      await within(closing, ctx.ms(CLOSE_LIMIT_MS), "closing the case's queues");
    } catch (error) {
      if (!failed) throw error;
    } finally {
      await world.teardown();
    }
  }
}
