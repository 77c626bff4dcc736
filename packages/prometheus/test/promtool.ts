import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's prometheus package (scripts/lib/bootstrap.sh installs it); PROMTOOL / PROMETHEUS override. */
export const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';
export const PROMETHEUS = process.env.PROMETHEUS ?? '/usr/bin/prometheus';

function missing(binary: string, env: string): string | undefined {
  if (existsSync(binary)) return undefined;
  return `${binary} not found — install Debian's prometheus package (apt-get install prometheus, as scripts/test.sh does) or set ${env}`;
}

/** Why promtool tests cannot run here, or undefined when they can. */
export const noPromtool = missing(PROMTOOL, 'PROMTOOL');
/** Why the Prometheus server tests cannot run here, or undefined when they can. */
export const noPrometheus = missing(PROMETHEUS, 'PROMETHEUS') ?? noPromtool;

/** A skip reason, printed in the test name so the run says plainly what did not run and why. */
export function skipped(title: string, reason: string | undefined): string {
  return reason === undefined ? title : `${title} — SKIPPED: ${reason}`;
}

export function promtool(args: readonly string[], input?: string): { status: number | null; output: string } {
  const result = spawnSync(PROMTOOL, args, { input, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}
