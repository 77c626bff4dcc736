import { createQueue, type Queue, type QueueConfig } from '@mqkit/core';
import { CliError, ExitCode, isConnectionError } from '../exit-codes.js';
import type { ConnectionFlags } from './flags.js';
import { kinesisClientConfig } from './kinesis-client.js';
import { loadConfig } from './load-config.js';
import { pgPrismaClient } from './pg-client.js';
import { connectRedis } from './redis.js';

export interface OpenedQueue {
  readonly queue: Queue;
  /** Where it came from, for messages: "config ./mqkit.config.mjs", "postgres", "kinesis". */
  readonly source: string;
  close(): Promise<void>;
}

type Source = { kind: 'config'; file: string } | { kind: 'postgres'; url: string } | { kind: 'kinesis'; url: string };

/**
 * Which backend a queue command talks to. Flags first (`--config`, `--postgres-url`,
 * `--redis-url`, in that order), then the environment (`MQKIT_CONFIG`, `DATABASE_URL`, `REDIS_URL`).
 */
export function chooseSource(flags: ConnectionFlags, env: NodeJS.ProcessEnv): Source {
  if (flags.config !== undefined) return { kind: 'config', file: flags.config };
  if (flags.postgresUrl !== undefined) return { kind: 'postgres', url: flags.postgresUrl };
  if (flags.redisUrl !== undefined) return { kind: 'kinesis', url: flags.redisUrl };
  if (nonEmpty(env.MQKIT_CONFIG)) return { kind: 'config', file: env.MQKIT_CONFIG };
  if (nonEmpty(env.DATABASE_URL)) return { kind: 'postgres', url: env.DATABASE_URL };
  if (nonEmpty(env.REDIS_URL)) return { kind: 'kinesis', url: env.REDIS_URL };
  throw new CliError(
    ExitCode.Usage,
    'no connection: pass --config FILE (your QueueConfig module), --postgres-url URL (Postgres through @mqkit/prisma) or --redis-url URL with --region/--kinesis-endpoint (Kinesis), or set MQKIT_CONFIG, DATABASE_URL or REDIS_URL',
  );
}

function nonEmpty(v: string | undefined): v is string {
  return v !== undefined && v !== '';
}

/** Opens the queue a `dlq` or `stats` command works on; an unreachable server is exit code 3. */
export async function openQueue(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Promise<OpenedQueue> {
  const source = chooseSource(flags, env);
  const cleanups: Array<() => Promise<unknown>> = [];
  const closeAll = async (): Promise<void> => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const config = await configFor(source, flags, cleanups);
    const queue = await createQueue(config);
    cleanups.push(() => queue.close({ timeoutMs: 5_000 }));
    return { queue, source: source.kind === 'config' ? `config ${source.file}` : source.kind, close: closeAll };
  } catch (error) {
    await closeAll();
    if (error instanceof CliError) throw error;
    if (isConnectionError(error)) throw new CliError(ExitCode.Connection, `cannot reach the ${source.kind} backend: ${message(error)}; check the connection settings and that the server runs`, { cause: error });
    throw new CliError(ExitCode.Failed, `opening the queue (${source.kind}) failed: ${message(error)}`, { cause: error });
  }
}

async function configFor(source: Source, flags: ConnectionFlags, cleanups: Array<() => Promise<unknown>>): Promise<QueueConfig> {
  if (source.kind === 'config') return loadConfig(source.file);
  if (source.kind === 'postgres') {
    const { prisma } = await import('@mqkit/prisma');
    const { client, close } = await pgPrismaClient(source.url);
    cleanups.push(close);
    // 'check': an operator tool never migrates a database; it refuses one at another version.
    return { provider: prisma({ client, migrate: 'check', ...(flags.schema === undefined ? {} : { schema: flags.schema }) }) };
  }
  const { kinesis } = await import('@mqkit/kinesis');
  const clientConfig = await kinesisClientConfig(flags.kinesisEndpoint, flags.region);
  if (clientConfig === undefined) throw new CliError(ExitCode.Usage, 'a Kinesis queue needs --region (or AWS_REGION) or --kinesis-endpoint besides --redis-url');
  const redis = await connectRedis(source.url);
  cleanups.push(() => redis.quit());
  return { provider: kinesis({ redis, clientConfig, ...(flags.keyPrefix === undefined ? {} : { keyPrefix: flags.keyPrefix }), ...(flags.application === undefined ? {} : { application: flags.application }) }) };
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
