import type { Queue, QueueConfig } from '@mqkit/core';
import { CASE_GROUPS } from './cases/index.js';
import type { CaseContext, ConformanceCase, ConformanceOptions, ConformanceTarget, Requirement, TestApi } from './types.js';
import { within } from './helpers/until.js';

const DEFAULT_TIMEOUT_MS = 10_000;
/** Closing a case's queues: their consumers get this shutdown deadline… */
const CLOSE_DEADLINE_MS = 500;
/** …and close() must resolve within this (a hanging close fails the case). */
const CLOSE_LIMIT_MS = 5_000;

/**
 * Registers the mqkit conformance suite for one provider with the caller's test framework.
 * Each case gets its own world (`target.setup()`), closes every queue it made and tears the world
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
  if (requirement === 'pause') return target.canPause === true;
  return target.capabilities[requirement] === true;
}

/** `provider "memory" lacks 'ordering': <note or "not declared">` */
export function skipReason(target: ConformanceTarget, requirement: Requirement): string {
  const note =
    requirement === 'crash'
      ? 'the target cannot crash a queue (declare canCrash: true and implement world.crash())'
      : requirement === 'pause'
        ? 'the target cannot pause a queue (declare canPause: true and implement world.pause()/resume(), e.g. with pausable())'
        : (target.capabilityNotes?.[requirement] ?? 'not declared');
  return `provider "${target.name}" lacks '${requirement}': ${note}`;
}

async function runCase(target: ConformanceTarget, c: ConformanceCase, timeScale: number): Promise<void> {
  const world = await target.setup();
  const queues: Queue[] = [];
  const ctx: CaseContext = {
    target,
    ms: (value) => Math.round(value * timeScale),
    world: {
      async createQueue(config?: Omit<QueueConfig, 'provider'>) {
        const queue = await world.createQueue(config);
        queues.push(queue);
        return queue;
      },
      async crash(queue) {
        if (typeof world.crash !== 'function') throw new Error(`[mqkit] [testkit] target "${target.name}" declares canCrash but its world has no crash()`);
        await world.crash(queue);
      },
      async pause(queue) {
        if (typeof world.pause !== 'function') throw new Error(`[mqkit] [testkit] target "${target.name}" declares canPause but its world has no pause()`);
        await world.pause(queue);
      },
      async resume(queue) {
        if (typeof world.resume !== 'function') throw new Error(`[mqkit] [testkit] target "${target.name}" declares canPause but its world has no resume()`);
        await world.resume(queue);
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
      const closing = Promise.all(queues.map((q) => q.close({ timeoutMs: ctx.ms(CLOSE_DEADLINE_MS) })));
      await within(closing, ctx.ms(CLOSE_LIMIT_MS), "closing the case's queues");
    } catch (error) {
      if (!failed) throw error;
    } finally {
      await world.teardown();
    }
  }
}
