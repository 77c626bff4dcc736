import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allFamilyNames, COUNTERS, GAUGES, HISTOGRAMS, LISTENER_ERRORS } from '../src/index.js';

const metricsDoc = readFileSync(new URL('../../../docs/metrics.md', import.meta.url), 'utf8');
const rules = readFileSync(new URL('../rules/mqkit-alerts.yml', import.meta.url), 'utf8');

describe('docs/metrics.md', () => {
  it('has a row for every metric family, with its type', () => {
    const type = new Map<string, string>([
      ...Object.values(COUNTERS).map((s) => [s.name, 'C'] as const),
      [LISTENER_ERRORS.name, 'C'] as const,
      ...Object.values(GAUGES).map((s) => [s.name, 'G'] as const),
      ...Object.values(HISTOGRAMS).map((s) => [s.name, 'H'] as const),
    ]);
    for (const name of allFamilyNames()) {
      const row = metricsDoc.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row, name).toBeDefined();
      // The listener-errors table has no type column; every other table has it second.
      if (name !== LISTENER_ERRORS.name) expect(row!.split('|')[2]!.trim(), name).toBe(type.get(name));
    }
  });

  it('describes every alert of the rules file', () => {
    for (const [, alert] of rules.matchAll(/- alert: (\S+)/g)) expect(metricsDoc, alert).toContain(`| \`${alert}\` |`);
  });
});
