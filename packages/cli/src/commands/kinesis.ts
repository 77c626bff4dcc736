import type { Argv } from 'yargs';
import type { AdminResult, KinesisAdmin } from '@mqkit/kinesis';
import { CliError, ExitCode } from '../exit-codes.js';
import type { ConnectionFlags, OutputFlags } from '../connection/flags.js';
import { kinesisClientConfig } from '../connection/kinesis-client.js';
import { connectRedis } from '../connection/redis.js';
import { confirm } from '../output/confirm.js';
import type { Io } from '../output/io.js';
import { duration, table, time } from '../output/table.js';

type Flags = ConnectionFlags & OutputFlags;

/** `mqkit kinesis status | checkpoint set|advance | lease release`. */
export function kinesisCommands(y: Argv, io: Io): Argv {
  return y.command('kinesis', 'Kinesis shard coordination in Redis: status, checkpoints, leases', (k) =>
    k
      .command('status', 'shards (closed parents too), owners, epochs, leases, checkpoints, lag, workers', {}, (argv) => withAdmin(argv as unknown as Flags, (admin) => status(admin, argv as unknown as Flags, io)))
      .command('checkpoint', 'move a shard checkpoint (fenced: the lease is revoked in the same step)', (c) =>
        c
          .command(
            'set <shardId> <sequenceNumber>',
            'set the checkpoint, backwards too (the records after it are read again)',
            (s) => positionArgs(s),
            (argv) => withAdmin(argv as unknown as Flags, (admin) => checkpoint(admin, 'set', argv as unknown as PositionArgs, io)),
          )
          .command(
            'advance <shardId> <sequenceNumber>',
            'move the checkpoint forward only (the records up to it are skipped)',
            (s) => positionArgs(s),
            (argv) => withAdmin(argv as unknown as Flags, (admin) => checkpoint(admin, 'advance', argv as unknown as PositionArgs, io)),
          )
          .demandCommand(1, 'say set or advance: mqkit kinesis checkpoint set|advance <shardId> <sequenceNumber> --stream S'),
      )
      .command('lease', 'shard leases', (l) =>
        l
          .command(
            'release <shardId>',
            'free a shard lease (a live worker takes it at once)',
            (s) => s.positional('shardId', { type: 'string', demandOption: true }),
            (argv) => withAdmin(argv as unknown as Flags, (admin) => release(admin, argv as unknown as { shardId: string } & Flags, io)),
          )
          .demandCommand(1, 'say release: mqkit kinesis lease release <shardId> --stream S'),
      )
      .demandCommand(1, 'say status, checkpoint or lease (mqkit kinesis --help)'),
  );
}

interface PositionArgs extends Flags {
  readonly shardId: string;
  readonly sequenceNumber: string;
}

function positionArgs(s: Argv): Argv {
  // Strings: a sequence number has up to 128 digits (a number would lose them).
  return s.positional('shardId', { type: 'string', demandOption: true }).positional('sequenceNumber', { type: 'string', demandOption: true });
}

async function withAdmin(flags: Flags, fn: (admin: KinesisAdmin) => Promise<void>): Promise<void> {
  if (flags.stream === undefined || flags.stream === '') throw new CliError(ExitCode.Usage, 'kinesis commands need --stream S (the stream the workers consume)');
  const url = flags.redisUrl ?? process.env.REDIS_URL;
  if (url === undefined || url === '') throw new CliError(ExitCode.Usage, 'kinesis commands need Redis: pass --redis-url URL or set REDIS_URL');
  const redis = await connectRedis(url);
  const clientConfig = await kinesisClientConfig(flags.kinesisEndpoint, flags.region);
  const { kinesisAdmin } = await import('@mqkit/kinesis');
  const admin = await kinesisAdmin({
    redis,
    stream: flags.stream,
    ...(flags.application === undefined ? {} : { application: flags.application }),
    ...(flags.keyPrefix === undefined ? {} : { keyPrefix: flags.keyPrefix }),
    ...(clientConfig === undefined ? {} : { clientConfig }),
  });
  try {
    await fn(admin);
  } finally {
    await admin.close();
    await redis.quit().catch(() => redis.disconnect());
  }
}

async function status(admin: KinesisAdmin, flags: Flags, io: Io): Promise<void> {
  const s = await admin.status();
  if (flags.json) return io.out(JSON.stringify(s, null, 2));
  if (s.shards.length === 0) {
    io.out(`stream "${s.stream}": no shards in Redis yet (no worker has run with this --application/--key-prefix)`);
    return;
  }
  io.out(
    table(
      ['shard', 'parents', 'state', 'owner', 'epoch', 'lease expires', 'checkpoint', 'pending', 'lag'],
      s.shards.map((sh) => [
        sh.shardId,
        sh.parents.join(' '),
        sh.finished ? 'finished' : sh.owner === '' ? 'free' : 'leased',
        sh.owner + (sh.wantedBy === '' ? '' : ` (wanted by ${sh.wantedBy})`),
        sh.epoch,
        time(sh.leaseExpiresAt),
        sh.checkpoint ?? '',
        sh.pendingAttempts,
        duration(sh.lagMs),
      ]),
    ),
  );
  const alive = s.workers.filter((w) => w.alive);
  const expired = s.workers.filter((w) => !w.alive);
  const names = (ws: typeof s.workers): string => (ws.length > 0 ? ` (${ws.map((w) => w.id).join(', ')})` : '');
  io.out(`workers alive: ${alive.length}${names(alive)}${expired.length > 0 ? `; expired, not yet removed: ${expired.length}${names(expired)}` : ''}; dead letters: ${s.deadLetters}`);
}

async function checkpoint(admin: KinesisAdmin, mode: 'set' | 'advance', args: PositionArgs, io: Io): Promise<void> {
  await confirm(io, `${mode === 'set' ? 'set' : 'advance'} the checkpoint of shard ${args.shardId} of stream ${admin.stream} to ${args.sequenceNumber} (its lease is revoked; the next owner reads from there)`, args.yes);
  const result = mode === 'set' ? await admin.setCheckpoint(args.shardId, args.sequenceNumber) : await admin.advanceCheckpoint(args.shardId, args.sequenceNumber);
  report(result, args, io, (r) => `shard ${r.shardId}: checkpoint ${r.previous === '' ? '(none)' : r.previous} -> ${r.checkpoint}${r.owner === '' ? '' : `; lease of ${r.owner} revoked (epoch ${r.epoch})`}`);
}

async function release(admin: KinesisAdmin, args: { shardId: string } & Flags, io: Io): Promise<void> {
  await confirm(io, `release the lease of shard ${args.shardId} of stream ${admin.stream} (its owner stops; a live worker takes it)`, args.yes);
  const result = await admin.releaseLease(args.shardId);
  report(result, args, io, (r) => `shard ${r.shardId}: lease of ${r.owner} (epoch ${r.epoch}) released; a live worker takes it at its next balancing cycle`);
}

function report(result: AdminResult, flags: Flags, io: Io, done: (r: Extract<AdminResult, { ok: true }>) => string): void {
  if (!result.ok) throw new CliError(result.refused === 'invalid-position' ? ExitCode.Usage : ExitCode.Refused, `refused (${result.refused}): ${result.message}`);
  io.out(flags.json ? JSON.stringify(result) : done(result));
}
