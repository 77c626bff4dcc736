// Fault-test figures (sent, lost, duplicates, time to recover) appended to a JSONL file when
// MQKIT_FIGURES names one, for docs/guarantees.md's "tested faults" column.
import { appendFileSync } from 'node:fs';

export interface FaultFigure {
  readonly fault: string;
  readonly sent: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly recoverMs: number | undefined;
}

export function record(provider: string, figure: FaultFigure): void {
  const file = process.env.MQKIT_FIGURES;
  if (file !== undefined && file !== '') appendFileSync(file, `${JSON.stringify({ provider, ...figure, at: new Date().toISOString() })}\n`);
}
