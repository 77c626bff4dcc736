import type { CaseResult } from './result.js';

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatRate(rate: number): string {
  return int.format(Math.round(rate));
}

function ms(v: number): string {
  return Number.isNaN(v) ? '—' : Number.isFinite(v) ? `${int.format(v)} ms` : 'overflow';
}

/** The results table: one row per case, median run, spread of the repetitions, ratio to fastq. */
export function formatTable(results: readonly CaseResult[], fastqBest: number | undefined): string {
  const header = ['subject', 'config', 'N', 'msgs/s (median)', 'min–max msgs/s', 'p50', 'p99', 'vs best fastq'];
  const rows = results.map((r) => {
    const rates = r.runs.map((x) => x.rate);
    return [
      r.subject,
      r.config,
      int.format(r.median.n),
      formatRate(r.median.rate),
      `${formatRate(Math.min(...rates))}–${formatRate(Math.max(...rates))}`,
      ms(r.median.p50),
      ms(r.median.p99),
      fastqBest === undefined ? '—' : (r.median.rate / fastqBest).toFixed(2),
    ];
  });
  return formatGrid(header, rows);
}

/** A plain table: the first `leftColumns` columns left-aligned, the rest right-aligned. */
export function formatGrid(header: readonly string[], rows: ReadonlyArray<readonly string[]>, leftColumns = 2): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
