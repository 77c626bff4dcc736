import type { DeadLetterReason } from '@mqkit/core';
import type { StoreView } from './store-check.js';
import type { Tally } from './tally.js';
import type { Expected } from './workload.js';

const fmt = new Intl.NumberFormat('en-US');

export interface RunTimes {
  /** Publishing all batches (ms). */
  readonly publishMs: number;
  /** First publish to the last message settled (ms). */
  readonly totalMs: number;
}

interface Check {
  readonly what: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** Prints the summary on stdout and returns whether every check passed. */
export function printSummary(tally: Tally, expected: Expected, store: StoreView, times: RunTimes, out: NodeJS.WritableStream = process.stdout): boolean {
  const lines: string[] = [];
  const rate = (n: number, ms: number): string => `${fmt.format(Math.round((n * 1000) / Math.max(1, ms)))} msgs/s`;
  const ms = (v: number): string => (Number.isFinite(v) ? `${fmt.format(v)} ms` : 'overflow');
  lines.push('', 'mqkit demo — summary (memory provider)', '');
  lines.push(`  published      ${fmt.format(tally.published).padStart(9)}   in ${fmt.format(Math.round(times.publishMs))} ms (${rate(tally.published, times.publishMs)})`);
  lines.push(`  processed      ${fmt.format(tally.processed).padStart(9)}`);
  lines.push(`  retries        ${fmt.format(tally.retried).padStart(9)}`);
  lines.push(`  dead-lettered  ${fmt.format(tally.deadLettered).padStart(9)}   ${reasons(tally.deadByReason)}`);
  lines.push(`  delayed        ${fmt.format(expected.delayed).padStart(9)}   (published with delayMs up to 800 ms)`);
  lines.push(`  wall time      ${fmt.format(Math.round(times.totalMs)).padStart(9)} ms  throughput ${rate(tally.settled, times.totalMs)}`);
  lines.push(
    `  latency        publish→processed p50 ${ms(tally.latency.percentile(50))}, p99 ${ms(tally.latency.percentile(99))}, max ${ms(tally.latency.max)} (includes delays and retry backoff)`,
  );
  lines.push(`                 due→processed     p50 ${ms(tally.wait.percentile(50))}, p99 ${ms(tally.wait.percentile(99))}, max ${ms(tally.wait.max)}`);
  lines.push('', '  queue       ready  delayed  in-flight  dead-letters (stats / list)');
  for (const s of store.stats) {
    lines.push(
      `  ${s.queue.padEnd(10)} ${show(s.ready).padStart(6)} ${show(s.delayed).padStart(8)} ${show(s.inFlight).padStart(10)}  ${show(s.deadLettered).padStart(6)} / ${fmt.format(store.deadLetters[s.queue] ?? 0)}`,
    );
  }

  const listed = Object.values(store.deadLetters).reduce((a, b) => a + b, 0);
  const leftOver = store.stats.reduce((a, s) => a + (s.ready ?? 0) + (s.delayed ?? 0) + (s.inFlight ?? 0), 0);
  const statsDead = store.stats.every((s) => s.deadLettered !== null) ? store.stats.reduce((a, s) => a + (s.deadLettered ?? 0), 0) : undefined;
  const checks: Check[] = [
    check('published = generated', tally.published, expected.published),
    check('processed + dead-lettered = published', tally.processed + tally.deadLettered, tally.published),
    check('processed = expected', tally.processed, expected.processed),
    check('dead-lettered = expected', tally.deadLettered, expected.deadLettered),
    check('dead letters by reason = expected', reasons(tally.deadByReason), reasons(nonZero(expected.deadByReason))),
    check('retries = expected', tally.retried, expected.retries),
    check('deadLetters.list total = dead-lettered events', listed, tally.deadLettered),
    check('deadLetters.list reasons = events', reasons(store.deadByReason), reasons(tally.deadByReason)),
    check('stats: nothing ready, delayed or in flight', leftOver, 0),
  ];
  if (statsDead !== undefined) checks.push(check('stats.deadLettered total = dead-lettered events', statsDead, tally.deadLettered));

  lines.push('', '  checks');
  for (const c of checks) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.what}${c.ok ? '' : `: ${c.detail}`}`);
  const ok = checks.every((c) => c.ok);
  lines.push('', ok ? '  every message is accounted for.' : '  ACCOUNTING MISMATCH: see the FAIL lines above.', '');
  out.write(lines.join('\n') + '\n');
  return ok;
}

function check(what: string, actual: number | string, expected: number | string): Check {
  return { what, ok: actual === expected, detail: `got ${String(actual)}, expected ${String(expected)}` };
}

function reasons(map: ReadonlyMap<DeadLetterReason, number>): string {
  return [...map.entries()]
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, n]) => `${reason} ${fmt.format(n)}`)
    .join(', ');
}

function nonZero(record: Record<DeadLetterReason, number>): Map<DeadLetterReason, number> {
  return new Map((Object.entries(record) as [DeadLetterReason, number][]).filter(([, n]) => n > 0));
}

function show(v: number | null): string {
  return v === null ? 'n/a' : fmt.format(v);
}
