import { CAPABILITY_NAMES, type Capabilities } from '@mqkit/core';
import { describe, expect, it } from 'vitest';
import { CASE_GROUPS, runQueueConformance, type ConformanceTarget, type TestApi } from '../src/index.js';

interface Registered {
  readonly path: string;
  readonly skipped: boolean;
  readonly timeout: number | undefined;
}

/** A fake runner that records what the suite registers. */
function recorder(): { api: TestApi; tests: Registered[] } {
  const tests: Registered[] = [];
  const stack: string[] = [];
  const it = Object.assign((name: string, _fn: () => unknown, timeout?: number) => void tests.push({ path: [...stack, name].join(' > '), skipped: false, timeout }), {
    skip: (name: string) => void tests.push({ path: [...stack, name].join(' > '), skipped: true, timeout: undefined }),
  });
  const api: TestApi = {
    describe: (name, fn) => {
      stack.push(name);
      fn();
      stack.pop();
    },
    it,
  };
  return { api, tests };
}

const all = (value: boolean): Capabilities => Object.fromEntries(CAPABILITY_NAMES.map((c) => [c, value])) as unknown as Capabilities;
const target = (over: Partial<ConformanceTarget> = {}): ConformanceTarget => ({
  name: 'fake',
  capabilities: all(false),
  setup: () => Promise.reject(new Error('not run here')),
  ...over,
});
const caseCount = CASE_GROUPS.reduce((n, [, cases]) => n + cases.length, 0);

describe('runQueueConformance', () => {
  it('registers every case once, under "mqkit conformance: <name> > <area>"', () => {
    const { api, tests } = recorder();
    runQueueConformance(api, target({ capabilities: all(true), canCrash: true }));
    expect(tests).toHaveLength(caseCount);
    expect(tests.every((t) => !t.skipped)).toBe(true);
    expect(tests[0]!.path).toMatch(/^mqkit conformance: fake > round trip > /);
  });

  it('skips a case whose capability is missing, printing the reason from capabilityNotes or "not declared"', () => {
    const { api, tests } = recorder();
    runQueueConformance(api, target({ capabilityNotes: { delay: 'no timers here' } }));
    const skipped = tests.filter((t) => t.skipped);
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.some((t) => t.path.endsWith(`— skipped: provider "fake" lacks 'delay': no timers here`))).toBe(true);
    expect(skipped.some((t) => t.path.endsWith(`— skipped: provider "fake" lacks 'ordering': not declared`))).toBe(true);
    expect(tests.filter((t) => !t.skipped).length).toBeGreaterThan(0); // cases that need nothing still run
  });

  it('skips the crash cases with a reason when the target cannot crash a provider, and runs the fencing case anyway (the suite pauses any provider)', () => {
    const { api, tests } = recorder();
    runQueueConformance(api, target({ capabilities: all(true) }));
    expect(tests.some((t) => t.skipped && /lacks 'crash': the target cannot crash a provider/.test(t.path))).toBe(true);
    expect(tests.some((t) => !t.skipped && /frozen past its lease/.test(t.path))).toBe(true);
  });

  it('registers each case `repeat` times in stress mode and scales test timeouts by timeScale', () => {
    const { api, tests } = recorder();
    runQueueConformance(api, target({ capabilities: all(true), canCrash: true }), { repeat: 3, timeScale: 2 });
    expect(tests).toHaveLength(caseCount * 3);
    expect(tests.filter((t) => t.path.endsWith('[3/3]'))).toHaveLength(caseCount);
    const base = recorder();
    runQueueConformance(base.api, target({ capabilities: all(true), canCrash: true }));
    expect(tests[0]!.timeout).toBeGreaterThan(base.tests[0]!.timeout!);
  });

  it('rejects a bad repeat, timeScale or target', () => {
    const { api } = recorder();
    expect(() => runQueueConformance(api, target(), { repeat: 0 })).toThrow(/repeat/);
    expect(() => runQueueConformance(api, target(), { timeScale: 0 })).toThrow(/timeScale/);
    expect(() => runQueueConformance(api, { name: 'x' } as ConformanceTarget)).toThrow(/capabilities and setup/);
  });

  it('gives every case a distinct sentence-like name', () => {
    const names = CASE_GROUPS.flatMap(([, cases]) => cases.map((c) => c.name));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-zA-Z]/);
  });
});
