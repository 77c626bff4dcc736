import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dashboard, dashboardTargets, metricNames, ruleExpressions } from './dashboard.js';

const golden = readFileSync(new URL('./golden/metrics.prom', import.meta.url), 'utf8');
const goldenFamilies = new Set([...golden.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));

describe('the Grafana dashboard (grafana/mqkit-dashboard.json)', () => {
  it('is an importable dashboard: uid, title, schema, unique panel ids, every query on the datasource variable', () => {
    expect(dashboard.uid).toBe('mqkit-queues');
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      if (panel.type === 'row') continue;
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const t of panel.targets ?? []) expect(t.datasource?.uid, panel.title).toBe('${datasource}');
    }
  });

  it('has datasource, provider and queue variables, and every query filters by provider and queue', () => {
    expect(dashboard.templating.list.map((v) => `${v.name}:${v.type}`)).toEqual(['datasource:datasource', 'provider:query', 'queue:query']);
    for (const { panel, expr } of dashboardTargets) {
      if (expr.includes('mqkit_listener_errors_total')) continue; // not per queue
      expect(expr, panel).toContain('messaging_system=~"$provider"');
      expect(expr, panel).toContain('messaging_destination_name=~"$queue"');
    }
  });

  it('shows what the issue asks for', () => {
    const titles = dashboard.panels.map((p) => p.title.toLowerCase());
    for (const want of ['throughput', 'failures and retries', 'dead letters', 'processing time p50 / p95 / p99', 'wait time', 'in flight vs concurrency', 'depth by state', 'oldest ready message age', 'kinesis lag per shard', 'shard leases per worker', 'lease churn', 'poison pills', 'throttles']) {
      expect(titles.some((t) => t.includes(want)), want).toBe(true);
    }
  });

  it('uses only metric names that exist in the golden exposition (dashboard and alert rules)', () => {
    const used = [...dashboardTargets.map((t) => t.expr), ...ruleExpressions().map((r) => r.expr), ...dashboard.templating.list.map((v) => v.definition ?? '')];
    const names = new Set(used.flatMap(metricNames));
    expect(names.size).toBeGreaterThan(20);
    expect([...names].filter((n) => !goldenFamilies.has(n))).toEqual([]);
  });
});
