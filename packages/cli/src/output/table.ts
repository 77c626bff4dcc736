import Table from 'cli-table3';

/** A plain table for people (`--json` prints the data instead). */
export function table(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const t = new Table({ head: [...head], style: { head: [], border: [] } });
  for (const row of rows) t.push(row.map((c) => String(c)));
  return t.toString();
}

/** An epoch-ms time as ISO text, '' for none. */
export function time(ms: number | undefined | null): string {
  return ms === undefined || ms === null || ms <= 0 ? '' : new Date(ms).toISOString();
}

/** A duration for people: 850ms, 12.3s, 4m10s, 2h05m. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  const s = Math.floor(ms / 1_000);
  if (s < 3_600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3_600)}h${String(Math.floor((s % 3_600) / 60)).padStart(2, '0')}m`;
}
