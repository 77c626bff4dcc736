import type { Argv } from 'yargs';
import type { Queue, QueueStats } from '@mqkit/core';
import { CliError, ExitCode } from '../exit-codes.js';
import type { ConnectionFlags, OutputFlags } from '../connection/flags.js';
import { message, openQueue } from '../connection/open-queue.js';
import type { Io } from '../output/io.js';
import { duration, table } from '../output/table.js';

interface StatsArgs extends ConnectionFlags, OutputFlags {
  readonly queue: string;
  /** '' (the flag alone: every 2 s), a number of seconds, or undefined (once). */
  readonly watch?: string;
}

const DEFAULT_WATCH_S = 2;

/** `mqkit stats --queue Q [--watch [SECONDS]]`: what the provider's `stats()` knows. */
export function statsCommand(y: Argv, io: Io): Argv {
  return y.command(
    'stats',
    'queue depth by state, oldest ready age (or lag), in flight, dead-lettered',
    (s) =>
      s
        .option('queue', { alias: 'q', type: 'string', demandOption: true, describe: 'the queue (on Kinesis: the stream)' })
        .option('watch', { alias: 'w', type: 'string', describe: `print again every SECONDS (default ${DEFAULT_WATCH_S}) until Ctrl-C` }),
    (argv) => stats(argv as unknown as StatsArgs, io),
  );
}

function interval(watch: string | undefined): number | undefined {
  if (watch === undefined) return undefined;
  if (watch === '') return DEFAULT_WATCH_S * 1_000;
  const s = Number(watch);
  if (!Number.isFinite(s) || s <= 0) throw new CliError(ExitCode.Usage, `--watch takes a number of seconds > 0, got "${watch}"`);
  return s * 1_000;
}

async function stats(a: StatsArgs, io: Io): Promise<void> {
  const every = interval(a.watch);
  const opened = await openQueue(a);
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (;;) {
      io.out(render(await read(opened.queue, a.queue), a.json, every !== undefined));
      if (every === undefined) return;
      await wait(every, stop.signal);
      if (stop.signal.aborted) return;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await opened.close();
  }
}

async function read(queue: Queue, name: string): Promise<QueueStats> {
  try {
    return await queue.stats(name);
  } catch (error) {
    throw new CliError(ExitCode.Failed, `stats of queue "${name}" failed: ${message(error)}`, { cause: error });
  }
}

function figure(n: number | null): string {
  return n === null ? '-' : String(n);
}

function render(s: QueueStats, json: boolean, watching: boolean): string {
  // Watching with --json: one object per line (JSON Lines), with the time it was read.
  if (json) return JSON.stringify(watching ? { at: new Date().toISOString(), ...s } : s, null, watching ? undefined : 2);
  const t = table(['queue', 'ready', 'delayed', 'in flight', 'dead-lettered', 'oldest ready / lag'], [[s.queue, figure(s.ready), figure(s.delayed), figure(s.inFlight), figure(s.deadLettered), duration(s.lagMs)]]);
  return watching ? `${new Date().toISOString()}\n${t}` : t;
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
