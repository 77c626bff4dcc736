import { SingleBar, Presets } from 'cli-progress';
import type { Io } from './io.js';

export interface Progress {
  increment(by: number): void;
  stop(): void;
}

/** A progress bar on stderr when a person watches (a terminal, no --json); silent otherwise. */
export function progress(io: Io, label: string, total: number, json: boolean): Progress {
  if (!io.interactive || json || total <= 0) return { increment() {}, stop() {} };
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} ({percentage}%) eta {eta}s`, stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  bar.start(total, 0);
  return { increment: (by) => bar.increment(by), stop: () => bar.stop() };
}
