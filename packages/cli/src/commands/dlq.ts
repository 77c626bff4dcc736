import type { Argv } from 'yargs';
import type { DeadLetter, Queue } from '@mqkit/core';
import { CliError, ExitCode } from '../exit-codes.js';
import type { ConnectionFlags, OutputFlags } from '../connection/flags.js';
import { message, openQueue } from '../connection/open-queue.js';
import { confirm } from '../output/confirm.js';
import type { Io } from '../output/io.js';
import { progress } from '../output/progress.js';
import { table, time } from '../output/table.js';
import { parseTime, select, type DlqFilter } from './dlq-filter.js';

interface DlqArgs extends ConnectionFlags, OutputFlags {
  readonly queue: string;
  readonly type?: string;
  readonly error?: string;
  readonly since?: string;
  readonly until?: string;
  readonly limit?: number;
  readonly dryRun: boolean;
  readonly pageSize: number;
}

/** Ids replayed or purged per call: a long replay moves in pages and shows its progress. */
const PAGE = 100;

/** `mqkit dlq list | show <id> | replay | purge --queue Q` on any provider with a dead-letter store. */
export function dlqCommands(y: Argv, io: Io): Argv {
  return y.command('dlq', 'dead letters: list, show, replay, purge', (d) =>
    d
      .option('queue', { alias: 'q', type: 'string', demandOption: true, describe: 'the queue (on Kinesis: the stream)' })
      .option('type', { type: 'string', describe: 'only messages of this type' })
      .option('error', { type: 'string', describe: "only those whose last error's name, message or code contains this text" })
      .option('since', { type: 'string', describe: 'only those dead-lettered at or after this ISO time' })
      .option('until', { type: 'string', describe: 'only those dead-lettered before this ISO time' })
      .option('limit', { type: 'number', describe: 'at most this many' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'replay/purge: show what would be done, change nothing' })
      .option('page-size', { type: 'number', default: PAGE, hidden: true })
      .command('list', 'list dead letters (newest last)', {}, (argv) => withQueue(argv as unknown as DlqArgs, (q, a) => list(q, a, io)))
      .command(
        'show <id>',
        'one dead letter in full: payload, headers, error, stack',
        (s) => s.positional('id', { type: 'string', demandOption: true }),
        (argv) => withQueue(argv as unknown as DlqArgs, (q, a) => show(q, a, (argv as unknown as { id: string }).id, io)),
      )
      .command('replay', 'put dead letters back on the queue as new messages (attempts reset)', {}, (argv) => withQueue(argv as unknown as DlqArgs, (q, a) => move(q, a, 'replay', io)))
      .command('purge', 'delete dead letters for good', {}, (argv) => withQueue(argv as unknown as DlqArgs, (q, a) => move(q, a, 'purge', io)))
      .demandCommand(1, 'say list, show, replay or purge (mqkit dlq --help)'),
  );
}

function filterOf(a: DlqArgs): DlqFilter {
  if (a.limit !== undefined && (!Number.isInteger(a.limit) || a.limit < 1)) throw new CliError(ExitCode.Usage, `--limit must be a positive integer, got ${a.limit}`);
  return { type: a.type, error: a.error, since: parseTime(a.since, '--since'), until: parseTime(a.until, '--until'), limit: a.limit };
}

async function withQueue(a: DlqArgs, fn: (queue: Queue, a: DlqArgs) => Promise<void>): Promise<void> {
  filterOf(a); // bad flags fail before connecting
  const opened = await openQueue(a);
  try {
    if (!opened.queue.capabilities.deadLetterStore) {
      throw new CliError(ExitCode.Usage, `the ${opened.queue.provider} provider (${opened.source}) keeps no dead letters (capability deadLetterStore is false)`);
    }
    await fn(opened.queue, a);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(ExitCode.Failed, `dlq on queue "${a.queue}" failed: ${message(error)}`, { cause: error });
  } finally {
    await opened.close();
  }
}

function summary(l: DeadLetter): Record<string, unknown> {
  return {
    id: l.message.id,
    type: l.message.type,
    attempts: l.message.attempt,
    reason: l.reason,
    error: l.error.message,
    errorName: l.error.name,
    deadLetteredAt: new Date(l.deadLetteredAt).toISOString(),
  };
}

async function list(queue: Queue, a: DlqArgs, io: Io): Promise<void> {
  const letters = await select(queue.deadLetters, a.queue, filterOf(a));
  if (a.json) return io.out(JSON.stringify(letters.map(summary), null, 2));
  if (letters.length === 0) return io.out(`no dead letters in "${a.queue}" match`);
  io.out(table(['id', 'type', 'attempts', 'reason', 'error', 'dead-lettered at'], letters.map((l) => [l.message.id, l.message.type, l.message.attempt, l.reason, clip(`${l.error.name}: ${l.error.message}`, 60), time(l.deadLetteredAt)])));
  io.out(`${letters.length} dead letter(s)`);
}

async function show(queue: Queue, a: DlqArgs, id: string, io: Io): Promise<void> {
  const [letter] = (await select(queue.deadLetters, a.queue, {})).filter((l) => l.message.id === id);
  if (letter === undefined) throw new CliError(ExitCode.Failed, `no dead letter with id "${id}" in queue "${a.queue}" (list them with: mqkit dlq list --queue ${a.queue})`);
  io.out(JSON.stringify(letter, null, 2));
}

async function move(queue: Queue, a: DlqArgs, action: 'replay' | 'purge', io: Io): Promise<void> {
  const ids = (await select(queue.deadLetters, a.queue, filterOf(a))).map((l) => l.message.id);
  const done = action === 'replay' ? 'replayed' : 'purged';
  if (a.dryRun) {
    if (a.json) return io.out(JSON.stringify({ dryRun: true, action, queue: a.queue, count: ids.length, ids }));
    io.out(`dry run: would ${action} ${ids.length} dead letter(s) of "${a.queue}"${ids.length > 0 ? `: ${clip(ids.join(', '), 400)}` : ''}`);
    return;
  }
  if (ids.length === 0) {
    io.out(a.json ? JSON.stringify({ action, queue: a.queue, [done]: 0 }) : `no dead letters in "${a.queue}" match: nothing to ${action}`);
    return;
  }
  await confirm(io, `${action} ${ids.length} dead letter(s) of queue "${a.queue}"${action === 'purge' ? ' (deleted for good)' : ''}`, a.yes);
  const bar = progress(io, action, ids.length, a.json);
  let count = 0;
  try {
    for (let i = 0; i < ids.length; i += a.pageSize) {
      const page = ids.slice(i, i + a.pageSize);
      const r = action === 'replay' ? (await queue.deadLetters.replay(a.queue, { ids: page })).replayed : (await queue.deadLetters.purge(a.queue, { ids: page })).purged;
      count += r;
      bar.increment(page.length);
    }
  } catch (error) {
    bar.stop();
    throw new CliError(ExitCode.Failed, `${action} stopped after ${count} of ${ids.length}: ${message(error)}; the rest are still dead letters (run the command again)`, { cause: error });
  }
  bar.stop();
  io.out(a.json ? JSON.stringify({ action, queue: a.queue, selected: ids.length, [done]: count }) : `${done} ${count} of ${ids.length} dead letter(s) of "${a.queue}"`);
}

function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
