import { ConfigError, optionalInt, optionalNumber, optionalOneOf, rejectUnknownKeys, requireObject, resolveDeclaredQueues } from '@mqkit/core';
import { assertPrismaClient, type PrismaLike } from './prisma-like.js';

/** A `pg` client configuration for the LISTEN connection (what `new pg.Client(config)` takes). */
export interface ListenConfig {
  readonly connectionString?: string;
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly password?: string;
  readonly database?: string;
  readonly ssl?: unknown;
  readonly [key: string]: unknown;
}

/** The `pg` module (or what the provider uses of it), for the LISTEN connection. */
export interface PgModule {
  readonly Client: new (config: ListenConfig) => PgListenClient;
}

/** What the provider uses of a `pg.Client`. */
export interface PgListenClient {
  connect(): Promise<unknown>;
  query(text: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  removeAllListeners(): unknown;
}

export interface PrismaOptions {
  /** Your PrismaClient (Prisma 7 with `@prisma/adapter-pg`, or any client with raw queries on Postgres). */
  readonly client: PrismaLike;
  /** The Postgres schema of mqkit's tables. Default `mqkit`. */
  readonly schema?: string;
  /**
   * `'auto'` (default): at open, apply the migrations this version has and the database lacks,
   * under an advisory lock (several processes may start at once). `'check'`: apply nothing; refuse
   * to open unless the schema is exactly at this version (you apply `prisma/mqkit.prisma` or the
   * SQL migrations yourself).
   */
  readonly migrate?: 'auto' | 'check';
  /**
   * A direct connection for LISTEN (a connection string or a `pg` client config): how consumers
   * hear of new messages at once. Not through PgBouncer in transaction mode (LISTEN needs a
   * session). Default: none — consumers poll every `pollIntervalMs`.
   */
  readonly listen?: string | ListenConfig | false;
  /** How often an idle consumer looks anyway (the backstop for a missed NOTIFY). Default 1000 with `listen`, 100 without. */
  readonly pollIntervalMs?: number;
  /** At most one NOTIFY per queue per this many ms from this process (a trailing one follows). Default 5. */
  readonly notifyDebounceMs?: number;
  /** Keep a dedupe key this long after its message settled. Default 0: only while it is queued or in flight. */
  readonly dedupeWindowMs?: number;
  /** Delete dead letters older than this (checked every `sweepIntervalMs`). Default: keep them. */
  readonly deadLetterRetentionMs?: number;
  /** How often the housekeeping sweep runs (expired dedupe keys, old dead letters). Default 60000. */
  readonly sweepIntervalMs?: number;
  /** Declared queue names: any other name throws UnknownQueueError. Default: any name. */
  readonly queues?: readonly string[];
  /** A query that does not answer within this fails (retryable): a half-open connection must not hang a consumer. Default 30000. */
  readonly operationTimeoutMs?: number;
  /** The `pg` module for the LISTEN connection. Default: `import('pg')` (install `pg`). */
  readonly pg?: PgModule;
}

export interface ResolvedPrismaOptions {
  readonly client: PrismaLike;
  readonly schema: string;
  readonly migrate: 'auto' | 'check';
  readonly listen: ListenConfig | undefined;
  readonly pollIntervalMs: number;
  readonly notifyDebounceMs: number;
  readonly dedupeWindowMs: number;
  readonly deadLetterRetentionMs: number | undefined;
  readonly sweepIntervalMs: number;
  readonly queues: ReadonlySet<string> | undefined;
  readonly operationTimeoutMs: number;
  readonly pg: PgModule | undefined;
}

const KEYS = ['client', 'schema', 'migrate', 'listen', 'pollIntervalMs', 'notifyDebounceMs', 'dedupeWindowMs', 'deadLetterRetentionMs', 'sweepIntervalMs', 'queues', 'operationTimeoutMs', 'pg'];
/** A Postgres identifier we never need to quote. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function resolvePrismaOptions(input: unknown): ResolvedPrismaOptions {
  const o = requireObject(input, 'prisma options', 'call prisma({ client: prismaClient })');
  rejectUnknownKeys(o, 'prisma', KEYS);
  assertPrismaClient(o.client, 'prisma.client');
  const schema = o.schema === undefined ? 'mqkit' : o.schema;
  if (typeof schema !== 'string' || !IDENTIFIER.test(schema)) {
    throw new ConfigError('prisma.schema', `${JSON.stringify(schema)} is not a plain Postgres identifier`, 'use lower-case letters, digits and _ (starting with a letter or _), at most 63 characters', { source: 'prisma' });
  }
  const listen = resolveListen(o.listen);
  if (o.pg !== undefined && typeof (o.pg as { Client?: unknown })?.Client !== 'function') {
    throw new ConfigError('prisma.pg', 'is not the pg module (it has no Client)', "pass pg: await import('pg'), or leave it out", { source: 'prisma' });
  }
  return {
    client: o.client,
    schema,
    migrate: optionalOneOf(o.migrate, 'prisma.migrate', ['auto', 'check'], 'auto'),
    listen,
    pollIntervalMs: optionalInt(o.pollIntervalMs, 'prisma.pollIntervalMs', 5, listen ? 1_000 : 100, 3_600_000),
    notifyDebounceMs: optionalNumber(o.notifyDebounceMs, 'prisma.notifyDebounceMs', 0, 5, 60_000),
    dedupeWindowMs: optionalNumber(o.dedupeWindowMs, 'prisma.dedupeWindowMs', 0, 0),
    deadLetterRetentionMs: o.deadLetterRetentionMs === undefined ? undefined : optionalNumber(o.deadLetterRetentionMs, 'prisma.deadLetterRetentionMs', 1, 0),
    sweepIntervalMs: optionalInt(o.sweepIntervalMs, 'prisma.sweepIntervalMs', 10, 60_000, 2 ** 31 - 1),
    queues: resolveDeclaredQueues(o.queues, 'prisma'),
    operationTimeoutMs: optionalInt(o.operationTimeoutMs, 'prisma.operationTimeoutMs', 10, 30_000, 2 ** 31 - 1),
    pg: o.pg as PgModule | undefined,
  };
}

function resolveListen(value: unknown): ListenConfig | undefined {
  if (value === undefined || value === false) return undefined;
  if (typeof value === 'string') {
    if (value.length === 0) throw new ConfigError('prisma.listen', 'is an empty string', 'pass a Postgres connection string (a direct one, not PgBouncer in transaction mode), or leave it out', { source: 'prisma' });
    return { connectionString: value };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as ListenConfig;
  throw new ConfigError('prisma.listen', 'expected a connection string or a pg client config', "pass listen: process.env.DATABASE_URL (a direct connection), or false", { source: 'prisma' });
}
