import { ConfigError, optionalInt, rejectUnknownKeys, requireObject } from '@mqkit/core';
import type { RedisLike } from './coordination/redis-like.js';
import type { KinesisClientConfig, SdkClient } from './kinesis/sdk-kinesis-api.js';
import type { KinesisApi } from './kinesis/kinesis-api.js';
import type { PartitionKeyFn } from './producer/partitioner.js';
import { envelopeCodec, type RecordCodec } from './producer/record-codec.js';
import { AdaptivePacing, type ReadPacing } from './consumer/read-pacing.js';

/** Where a shard without a checkpoint starts. */
export type InitialPosition = 'TRIM_HORIZON' | 'LATEST' | { readonly timestamp: number | Date };

export interface KinesisOptions {
  /** A ready `KinesisClient` (yours: the provider never destroys it). */
  readonly client?: SdkClient;
  /** Settings for a `KinesisClient` the provider makes (and destroys on close): region, endpoint, credentials, requestHandler, … */
  readonly clientConfig?: KinesisClientConfig;
  /** The Kinesis calls themselves (tests, other SDKs). Overrides `client` and `clientConfig`. */
  readonly api?: KinesisApi;
  /** A ready ioredis `Redis` or `Cluster` (yours: never quit by the provider), or a redis:// URL. */
  readonly redis: RedisLike | string;
  /** Prefix of every Redis key. Default `mqkit:kinesis:`. */
  readonly keyPrefix?: string;
  /** Workers of one application share leases and checkpoints (the KCL's application name). Default `mqkit`. */
  readonly application?: string;
  /** This process's worker id in the lease table. Default: host, pid and a random suffix. */
  readonly workerId?: string;
  /** The stream a queue name maps to. Default: the queue name. */
  readonly streamName?: (queue: string) => string;
  /** Create a missing stream with this many shards (development and tests). Default: refuse (UnknownQueueError). */
  readonly createStreams?: { readonly shardCount: number };
  /** A record's partition key when a message has none. Default: random. */
  readonly partitionKey?: PartitionKeyFn;
  readonly codec?: RecordCodec;
  readonly publish?: {
    /** Largest record, data plus partition key. Default 1048576 (1 MiB); raise it for streams with larger records. */
    readonly maxRecordBytes?: number;
    /** Records per PutRecords. Default 500. */
    readonly maxRecordsPerCall?: number;
    /** Bytes per PutRecords. Default 5242880 (5 MiB). */
    readonly maxBytesPerCall?: number;
    /** Tries per record (failed entries only are sent again). Default 6. */
    readonly attempts?: number;
    readonly baseDelayMs?: number;
    readonly maxDelayMs?: number;
    /** How long a publisher-given id is remembered (DuplicateIdError). Default 86400000 (24 h, the default retention). */
    readonly idRetentionMs?: number;
  };
  readonly lease?: {
    /** Shard lease length (Redis time). Default 6000: failover after a crash in about that. */
    readonly leaseMs?: number;
    /** Heartbeat and lease renewal interval. Default leaseMs / 3. */
    readonly renewIntervalMs?: number;
    /** Balancing cycle interval (also run at once on a nudge). Default leaseMs / 2. */
    readonly assignIntervalMs?: number;
    /** Shards asked for per cycle. Default 1. */
    readonly maxStealsPerCycle?: number;
    /** A steal request the owner did not honour by then is forced. Default leaseMs. */
    readonly stealTimeoutMs?: number;
    /** Tries of a failed heartbeat before waiting for the next interval. Default 3. */
    readonly renewTries?: number;
    /** A shard is not asked for before its owner held it this long. Default 0. */
    readonly minHoldMs?: number;
  };
  readonly read?: {
    readonly initialPosition?: InitialPosition;
    /** Least time between two GetRecords of a shard. Default 200 (Kinesis: 5 calls/s per shard). */
    readonly minIntervalMs?: number;
    /** Wait after an empty read of a caught-up shard. Default 500. */
    readonly idleDelayMs?: number;
    /** Largest GetRecords Limit. Default 10000. */
    readonly maxRecords?: number;
    /** Records a shard buffers before reading pauses (two full pages: the next page is read while the last is processed). Default 20000. */
    readonly maxBuffered?: number;
    /** A custom pacing per shard (adaptive batch size and delays). */
    readonly pacing?: () => ReadPacing;
    /** How often shards are listed (ListShards) to find children. Default 60000 (also on SHARD_END). */
    readonly shardSyncIntervalMs?: number;
  };
  /** The longest a shard waits for a retried record's backoff (head-of-line: the shard waits). Default 30000. */
  readonly maxRetryDelayMs?: number;
  /** A Redis call that does not answer within this fails (retried). Default 5000. */
  readonly redisTimeoutMs?: number;
}

export interface ResolvedKinesisOptions {
  readonly client: SdkClient | undefined;
  readonly clientConfig: KinesisClientConfig | undefined;
  readonly api: KinesisApi | undefined;
  readonly redis: RedisLike | string;
  readonly keyPrefix: string;
  readonly application: string;
  readonly workerId: string | undefined;
  readonly streamName: (queue: string) => string;
  readonly createStreams: { readonly shardCount: number } | undefined;
  readonly partitionKey: PartitionKeyFn | undefined;
  readonly codec: RecordCodec;
  readonly publish: {
    readonly maxRecordBytes: number;
    readonly maxRecordsPerCall: number;
    readonly maxBytesPerCall: number;
    readonly attempts: number;
    readonly baseDelayMs: number;
    readonly maxDelayMs: number;
    readonly idRetentionMs: number;
  };
  readonly lease: {
    readonly leaseMs: number;
    readonly renewIntervalMs: number;
    readonly assignIntervalMs: number;
    readonly maxStealsPerCycle: number;
    readonly stealTimeoutMs: number;
    readonly renewTries: number;
    readonly minHoldMs: number;
  };
  readonly read: {
    readonly initialPosition: string;
    readonly minIntervalMs: number;
    readonly maxBuffered: number;
    readonly pacing: () => ReadPacing;
    readonly shardSyncIntervalMs: number;
  };
  readonly maxRetryDelayMs: number;
  readonly redisTimeoutMs: number;
}

const KEYS = ['client', 'clientConfig', 'api', 'redis', 'keyPrefix', 'application', 'workerId', 'streamName', 'createStreams', 'partitionKey', 'codec', 'publish', 'lease', 'read', 'maxRetryDelayMs', 'redisTimeoutMs'];
const MAX_MS = 2 ** 31 - 1;
const NAME = /^[A-Za-z0-9_.-]{1,128}$/;

function fn<F>(value: unknown, field: string): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new ConfigError(field, 'expected a function', `pass a function for ${field} or leave it out`, { source: 'kinesis' });
  return value as F;
}

function section(value: unknown, field: string, keys: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  const o = requireObject(value, field, `pass an object for ${field}`);
  rejectUnknownKeys(o, field, keys);
  return o;
}

function name(value: unknown, field: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^[A-Za-z0-9_.:-]{1,100}$/.test(value)) {
    throw new ConfigError(field, `${JSON.stringify(value)} is not a valid name`, 'use 1–100 letters, digits, "_", ".", ":" or "-"', { source: 'kinesis' });
  }
  return value;
}

function initialPosition(value: unknown): string {
  if (value === undefined || value === 'TRIM_HORIZON') return 'TRIM_HORIZON';
  if (value === 'LATEST') return 'LATEST';
  if (typeof value === 'object' && value !== null && 'timestamp' in value) {
    const t = value.timestamp;
    const ms = t instanceof Date ? t.getTime() : t;
    if (typeof ms === 'number' && Number.isFinite(ms)) return `AT_TIMESTAMP:${Math.round(ms)}`;
  }
  throw new ConfigError('kinesis.read.initialPosition', 'expected TRIM_HORIZON, LATEST or { timestamp }', "pass 'TRIM_HORIZON' (default), 'LATEST' or { timestamp: Date }", { source: 'kinesis' });
}

/** Checks every option (a ConfigError naming the field) and fills the defaults. */
export function resolveKinesisOptions(input: unknown): ResolvedKinesisOptions {
  const o = requireObject(input, 'kinesis options', 'call kinesis({ redis, clientConfig: { region } })');
  rejectUnknownKeys(o, 'kinesis', KEYS);
  const redis = o.redis;
  if (typeof redis !== 'string' && (typeof redis !== 'object' || redis === null || typeof (redis as RedisLike).evalsha !== 'function')) {
    throw new ConfigError('kinesis.redis', 'expected an ioredis client (Redis or Cluster) or a redis:// URL', "pass redis: new Redis(process.env.REDIS_URL) or redis: 'redis://127.0.0.1:6379'", { source: 'kinesis' });
  }
  if (o.client === undefined && o.api === undefined && o.clientConfig === undefined) {
    throw new ConfigError('kinesis.clientConfig', 'neither a client nor client settings were given', 'pass client: new KinesisClient({...}) or clientConfig: { region } (the provider reads no environment itself)', { source: 'kinesis' });
  }
  if (o.client !== undefined && typeof (o.client as SdkClient).send !== 'function') {
    throw new ConfigError('kinesis.client', 'is not a KinesisClient (it has no send())', 'pass new KinesisClient({...}) from @aws-sdk/client-kinesis', { source: 'kinesis' });
  }
  let createStreams: { shardCount: number } | undefined;
  if (o.createStreams !== undefined) {
    const c = section(o.createStreams, 'kinesis.createStreams', ['shardCount']);
    createStreams = { shardCount: optionalInt(c.shardCount, 'kinesis.createStreams.shardCount', 1, 1, 10_000) };
  }
  const p = section(o.publish, 'kinesis.publish', ['maxRecordBytes', 'maxRecordsPerCall', 'maxBytesPerCall', 'attempts', 'baseDelayMs', 'maxDelayMs', 'idRetentionMs']);
  const l = section(o.lease, 'kinesis.lease', ['leaseMs', 'renewIntervalMs', 'assignIntervalMs', 'maxStealsPerCycle', 'stealTimeoutMs', 'renewTries', 'minHoldMs']);
  const r = section(o.read, 'kinesis.read', ['initialPosition', 'minIntervalMs', 'idleDelayMs', 'maxRecords', 'maxBuffered', 'pacing', 'shardSyncIntervalMs']);
  const leaseMs = optionalInt(l.leaseMs, 'kinesis.lease.leaseMs', 100, 6_000, MAX_MS);
  const maxRecordBytes = optionalInt(p.maxRecordBytes, 'kinesis.publish.maxRecordBytes', 1, 1_048_576, 64 * 1_048_576);
  const minIntervalMs = optionalInt(r.minIntervalMs, 'kinesis.read.minIntervalMs', 0, 200, MAX_MS);
  const idleDelayMs = optionalInt(r.idleDelayMs, 'kinesis.read.idleDelayMs', 0, 500, MAX_MS);
  const maxRecords = optionalInt(r.maxRecords, 'kinesis.read.maxRecords', 1, 10_000, 10_000);
  const customPacing = fn<() => ReadPacing>(r.pacing, 'kinesis.read.pacing');
  const streamName = fn<(q: string) => string>(o.streamName, 'kinesis.streamName') ?? ((q: string) => q);
  const codec = (o.codec ?? envelopeCodec) as RecordCodec;
  if (typeof codec.encode !== 'function' || typeof codec.decode !== 'function') {
    throw new ConfigError('kinesis.codec', 'expected { encode, decode }', 'pass envelopeCodec, rawJsonCodec or your own codec', { source: 'kinesis' });
  }
  return {
    client: o.client as SdkClient | undefined,
    clientConfig: o.clientConfig as KinesisClientConfig | undefined,
    api: o.api as KinesisApi | undefined,
    redis: redis as RedisLike | string,
    keyPrefix: typeof o.keyPrefix === 'string' ? o.keyPrefix : 'mqkit:kinesis:',
    application: name(o.application, 'kinesis.application', 'mqkit'),
    workerId: o.workerId === undefined ? undefined : name(o.workerId, 'kinesis.workerId', ''),
    streamName: (queue) => {
      const s = streamName(queue);
      if (!NAME.test(s)) throw new ConfigError('kinesis.streamName', `queue "${queue}" maps to "${s}", which is not a Kinesis stream name`, 'use 1–128 letters, digits, "_", "." or "-" (":" is not allowed in stream names); map such queue names with streamName', { source: 'kinesis' });
      return s;
    },
    createStreams,
    partitionKey: fn<PartitionKeyFn>(o.partitionKey, 'kinesis.partitionKey'),
    codec,
    publish: {
      maxRecordBytes,
      maxRecordsPerCall: optionalInt(p.maxRecordsPerCall, 'kinesis.publish.maxRecordsPerCall', 1, 500, 500),
      maxBytesPerCall: optionalInt(p.maxBytesPerCall, 'kinesis.publish.maxBytesPerCall', 1, Math.max(5 * 1_048_576, maxRecordBytes), 256 * 1_048_576),
      attempts: optionalInt(p.attempts, 'kinesis.publish.attempts', 1, 6, 100),
      baseDelayMs: optionalInt(p.baseDelayMs, 'kinesis.publish.baseDelayMs', 0, 100, MAX_MS),
      maxDelayMs: optionalInt(p.maxDelayMs, 'kinesis.publish.maxDelayMs', 0, 2_000, MAX_MS),
      idRetentionMs: optionalInt(p.idRetentionMs, 'kinesis.publish.idRetentionMs', 1, 86_400_000, 365 * 86_400_000),
    },
    lease: {
      leaseMs,
      renewIntervalMs: optionalInt(l.renewIntervalMs, 'kinesis.lease.renewIntervalMs', 10, Math.round(leaseMs / 3), leaseMs),
      assignIntervalMs: optionalInt(l.assignIntervalMs, 'kinesis.lease.assignIntervalMs', 10, Math.round(leaseMs / 2), MAX_MS),
      maxStealsPerCycle: optionalInt(l.maxStealsPerCycle, 'kinesis.lease.maxStealsPerCycle', 0, 1, 1_000),
      stealTimeoutMs: optionalInt(l.stealTimeoutMs, 'kinesis.lease.stealTimeoutMs', 0, leaseMs, MAX_MS),
      renewTries: optionalInt(l.renewTries, 'kinesis.lease.renewTries', 1, 3, 100),
      minHoldMs: optionalInt(l.minHoldMs, 'kinesis.lease.minHoldMs', 0, 0, MAX_MS),
    },
    read: {
      initialPosition: initialPosition(r.initialPosition),
      minIntervalMs,
      maxBuffered: optionalInt(r.maxBuffered, 'kinesis.read.maxBuffered', 1, 20_000, 1_000_000),
      pacing: customPacing ?? (() => new AdaptivePacing({ minIntervalMs, idleDelayMs, maxRecords })),
      shardSyncIntervalMs: optionalInt(r.shardSyncIntervalMs, 'kinesis.read.shardSyncIntervalMs', 10, 60_000, MAX_MS),
    },
    maxRetryDelayMs: optionalInt(o.maxRetryDelayMs, 'kinesis.maxRetryDelayMs', 0, 30_000, MAX_MS),
    redisTimeoutMs: optionalInt(o.redisTimeoutMs, 'kinesis.redisTimeoutMs', 10, 5_000, MAX_MS),
  };
}
