import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface DashboardTarget {
  readonly panel: string;
  readonly expr: string;
}

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly datasource?: { readonly uid: string };
  readonly gridPos: { readonly h: number; readonly w: number; readonly x: number; readonly y: number };
  readonly targets?: readonly { readonly expr: string; readonly refId: string; readonly datasource?: { readonly uid: string } }[];
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly { readonly name: string; readonly type: string; readonly query: unknown; readonly definition?: string }[] };
}

export const dashboard = JSON.parse(readFileSync(new URL('../grafana/mqkit-dashboard.json', import.meta.url), 'utf8')) as Dashboard;

/** Every PromQL expression of the dashboard's panels. */
export const dashboardTargets: DashboardTarget[] = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

/** The variables as Grafana substitutes them for "All" (allValue `.+`) and a 15 s rate interval. */
export function substitute(expr: string, rateInterval = '15s'): string {
  return expr.replaceAll('$provider', '.+').replaceAll('$queue', '.+').replaceAll('$__rate_interval', rateInterval);
}

/** Every expression of the alert rules. */
export function ruleExpressions(): { alert: string; expr: string }[] {
  const rules = parse(readFileSync(new URL('../rules/mqkit-alerts.yml', import.meta.url), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  return rules.groups.flatMap((g) => g.rules);
}

/** The metric names an expression uses (mqkit_* and messaging_*, without histogram suffixes). */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  for (const [name] of expr.matchAll(/\b(?:mqkit|messaging)_[a-z_]+\b/g)) {
    if (/^messaging_(system|destination_name|operation_name|operation_type)$/.test(name)) continue; // labels
    names.add(name.replace(/_(bucket|sum|count)$/, ''));
  }
  return [...names];
}
