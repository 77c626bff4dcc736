import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { noPromtool, promtool, skipped } from './promtool.js';
import { SCENARIOS, type InputSeries } from './rules/scenarios.js';

const RULES = fileURLToPath(new URL('../rules/mqkit-alerts.yml', import.meta.url));

interface Rule {
  readonly alert: string;
  readonly expr: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}
const rules: Rule[] = (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const byName = new Map(rules.map((r) => [r.alert, r]));

/** Go-template `{{ $labels.x }}` only: the rules' annotations use nothing else (checked below). */
function render(template: string, labels: Record<string, string>): string {
  return template.replace(/\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g, (_, name: string) => labels[name] ?? '');
}

function seriesText(s: InputSeries): string {
  const labels = Object.entries(s.labels ?? {}).map(([k, v]) => `${k}="${v}"`);
  return labels.length > 0 ? `${s.name}{${labels.join(',')}}` : s.name;
}

const work = mkdtempSync(join(tmpdir(), 'mqkit-rules-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('alert rules (rules/mqkit-alerts.yml)', () => {
  it('every alert has a scenario that fires and one that does not; annotations only template labels', () => {
    for (const rule of rules) {
      const own = SCENARIOS.filter((s) => s.alert === rule.alert);
      expect(own.some((s) => s.fires !== null), `${rule.alert} fires somewhere`).toBe(true);
      expect(own.some((s) => s.fires === null), `${rule.alert} stays quiet somewhere`).toBe(true);
      for (const text of Object.values(rule.annotations)) expect(text.replace(/\{\{ \$labels\.[a-z_]+ \}\}/g, '')).not.toContain('{{');
      expect(['page', 'ticket']).toContain(rule.labels.severity);
    }
    for (const s of SCENARIOS) expect(byName.has(s.alert), s.alert).toBe(true);
  });

  it.skipIf(noPromtool !== undefined)(skipped('pass promtool check rules', noPromtool), () => {
    const { status, output } = promtool(['check', 'rules', RULES]);
    expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(status).toBe(0);
  });

  it.skipIf(noPromtool !== undefined)(skipped('pass promtool test rules: each scenario fires, or stays quiet, as written', noPromtool), () => {
    const tests = SCENARIOS.map((s) => {
      const rule = byName.get(s.alert)!;
      const expected =
        s.fires === null
          ? []
          : [
              {
                exp_labels: { ...s.fires, ...rule.labels },
                exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, render(v, { ...s.fires, ...rule.labels })])),
              },
            ];
      return {
        name: `${s.alert}: ${s.title}`,
        interval: '1m',
        input_series: s.series.map((series) => ({ series: seriesText(series), values: series.values })),
        alert_rule_test: [{ eval_time: s.evalTime, alertname: s.alert, exp_alerts: expected }],
      };
    });
    const file = join(work, 'mqkit-alerts.test.json'); // JSON is YAML
    writeFileSync(file, JSON.stringify({ rule_files: [RULES], evaluation_interval: '1m', tests }, null, 2));
    const { status, output } = promtool(['test', 'rules', file]);
    expect(output).toContain('SUCCESS');
    expect(status, output).toBe(0);
  });
});
