/** One measured run. Latencies in ms (NaN where not measured). */
export interface RunResult {
  readonly n: number;
  readonly ms: number;
  /** Messages (or tasks) per second. */
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
}

/** A case's repetitions, summarised by their median run (by rate). */
export interface CaseResult {
  readonly id: string;
  readonly subject: string;
  readonly config: string;
  readonly runs: readonly RunResult[];
  readonly median: RunResult;
}

export function summarise(id: string, subject: string, config: string, runs: readonly RunResult[]): CaseResult {
  const sorted = [...runs].sort((a, b) => a.rate - b.rate);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { id, subject, config, runs, median };
}
