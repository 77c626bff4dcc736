import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allFamilyNames } from '../src/index.js';
import { goldenExposition } from './golden/scenario.js';
import { noPromtool, promtool, skipped } from './promtool.js';

const GOLDEN = new URL('./golden/metrics.prom', import.meta.url);

describe('the exposition of every metric family', () => {
  it('matches the golden file (UPDATE_GOLDEN=1 rewrites it)', async () => {
    const text = await goldenExposition();
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('has a sample of every family in the catalog, and no family outside it', () => {
    const text = readFileSync(GOLDEN, 'utf8');
    const families = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]).sort();
    expect(families).toEqual(allFamilyNames());
    for (const name of families) expect(text, name).toMatch(new RegExp(`^${name}(_bucket|_sum|_count)?\\{`, 'm'));
  });

  it.skipIf(noPromtool !== undefined)(skipped('passes promtool check metrics (the Prometheus naming and format lint)', noPromtool), () => {
    const { status, output } = promtool(['check', 'metrics'], readFileSync(GOLDEN, 'utf8'));
    expect(output).toBe('');
    expect(status).toBe(0);
  });
});
