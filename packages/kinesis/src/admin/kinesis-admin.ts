import { ConfigError } from '@mqkit/core';
import { CoordinationStore } from '../coordination/coordination-store.js';
import { connectRedisFailFast } from '../coordination/redis-connect.js';
import type { RedisLike } from '../coordination/redis-like.js';
import { streamKeys } from '../coordination/stream-keys.js';
import type { KinesisApi } from '../kinesis/kinesis-api.js';
import { sdkKinesisApi, type KinesisClientConfig, type SdkClient } from '../kinesis/sdk-kinesis-api.js';
import { readStatus, type StreamStatus } from '../stream-status.js';
import { shardLag } from './shard-lag.js';

export interface KinesisAdminOptions {
  /** A ready ioredis client (yours: never quit by the admin), or a redis:// URL (connected at once, failing fast). */
  readonly redis: RedisLike | string;
  readonly stream: string;
  /** As the workers' `kinesis({ application })`. Default `mqkit`. */
  readonly application?: string;
  /** As the workers' `kinesis({ keyPrefix })`. Default `mqkit:kinesis:`. */
  readonly keyPrefix?: string;
  /**
   * Kinesis access (optional): with it, `status` reports each open shard's lag behind its
   * checkpoint and checkpoint moves check that the sequence number is one of the shard's.
   */
  readonly client?: SdkClient;
  readonly clientConfig?: KinesisClientConfig;
  readonly api?: KinesisApi;
}

/** Why an operator's change was refused (nothing was changed). */
export type AdminRefusal = 'invalid-position' | 'unknown-shard' | 'finished' | 'backwards' | 'not-in-shard' | 'free';

export type AdminResult =
  | {
      readonly ok: true;
      readonly shardId: string;
      /** The worker whose lease was revoked or released ('' when nobody held it). */
      readonly owner: string;
      readonly epoch: number;
      /** Checkpoint moves: the checkpoint before ('' when there was none) and after. */
      readonly previous?: string;
      readonly checkpoint?: string;
    }
  | { readonly ok: false; readonly shardId: string; readonly refused: AdminRefusal; readonly message: string };

const POSITION = /^\d{1,128}(:\d{1,10})?$/;
const ADMIN_ID = 'mqkit-admin';

/**
 * Operator actions on one stream's coordination state in Redis (what `mqkit kinesis …` runs):
 * read the status, move a checkpoint, release a lease. Every change is one Lua script, fenced like
 * the workers' own writes (see `lua/admin-*.lua`), and nudges the workers so they act on it at
 * once. A refused change changes nothing and says why.
 */
export class KinesisAdmin {
  private constructor(
    readonly stream: string,
    private readonly redis: RedisLike,
    private readonly ownRedis: boolean,
    private readonly api: KinesisApi | undefined,
    private readonly store: CoordinationStore,
  ) {}

  static async open(options: KinesisAdminOptions): Promise<KinesisAdmin> {
    if (typeof options.stream !== 'string' || options.stream === '') {
      throw new ConfigError('kinesisAdmin.stream', 'is missing', 'pass the stream name the workers consume', { source: 'kinesis' });
    }
    const own = typeof options.redis === 'string';
    const redis = typeof options.redis === 'string' ? await connectRedisFailFast(options.redis) : options.redis;
    const needsApi = options.api !== undefined || options.client !== undefined || options.clientConfig !== undefined;
    const api = options.api ?? (needsApi ? await sdkKinesisApi(options.client, options.clientConfig) : undefined);
    const keys = streamKeys(options.keyPrefix ?? 'mqkit:kinesis:', options.application ?? 'mqkit', options.stream);
    return new KinesisAdmin(options.stream, redis, own, api, new CoordinationStore(redis, keys));
  }

  /** Shards (closed parents included), owners, epochs, lease expiries, checkpoints, workers; lag per open shard with Kinesis access. */
  async status(): Promise<StreamStatus> {
    const status = await readStatus(this.store, this.stream, new Map());
    if (this.api === undefined) return status;
    const api = this.api;
    const shards = await Promise.all(status.shards.map(async (s) => (s.finished ? s : { ...s, lagMs: await shardLag(api, this.stream, s.shardId, s.checkpoint, await this.#startOf(s.shardId)) })));
    return { ...status, shards };
  }

  /** Moves the checkpoint to `position`, backwards too (the records after it are read again). */
  setCheckpoint(shardId: string, position: string): Promise<AdminResult> {
    return this.#checkpoint(shardId, position, 'set');
  }

  /** Moves the checkpoint forward to `position` (the records up to it are skipped); refuses to go backwards. */
  advanceCheckpoint(shardId: string, position: string): Promise<AdminResult> {
    return this.#checkpoint(shardId, position, 'advance');
  }

  /** Frees the shard's lease: a live worker takes it at once (its in-flight claim counts as abandoned). */
  async releaseLease(shardId: string): Promise<AdminResult> {
    const r = await this.store.adminRelease(shardId);
    if (!r.ok) return this.#refused(shardId, r.code as AdminRefusal);
    await this.#nudge();
    return { ok: true, shardId, owner: r.owner, epoch: r.epoch };
  }

  async #checkpoint(shardId: string, position: string, mode: 'set' | 'advance'): Promise<AdminResult> {
    if (!POSITION.test(position)) return this.#refused(shardId, 'invalid-position', position);
    if (this.api !== undefined && !(await this.#inShard(shardId, position))) return this.#refused(shardId, 'not-in-shard', position);
    const r = await this.store.adminCheckpoint(shardId, position, mode);
    if (!r.ok) return this.#refused(shardId, r.code as AdminRefusal, position, r.previous);
    await this.#nudge();
    return { ok: true, shardId, owner: r.owner, epoch: r.epoch, previous: r.previous, checkpoint: position };
  }

  /** Kinesis knows the sequence number in this shard (GetShardIterator AT_SEQUENCE_NUMBER accepts it). */
  async #inShard(shardId: string, position: string): Promise<boolean> {
    // Unknown and finished shards are refused by the script (atomically, with a better message).
    const row = (await this.store.shardState(shardId)).row;
    if (row === undefined || Number(row.d) === 1) return true;
    try {
      await this.api!.getShardIterator(this.stream, shardId, { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: position.split(':')[0]! });
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'InvalidArgumentException') return false;
      throw error;
    }
  }

  async #startOf(shardId: string): Promise<string> {
    const row = (await this.store.shardState(shardId)).row;
    return row?.s ?? 'TRIM_HORIZON';
  }

  /** Workers renew (and so see a revoked lease) and balance at once instead of at their next timer. */
  async #nudge(): Promise<void> {
    await this.store.nudge(JSON.stringify({ from: ADMIN_ID, kind: 'want' })).catch(() => undefined);
  }

  #refused(shardId: string, refused: AdminRefusal, position = '', previous = ''): AdminResult {
    const status = `see the shards with: mqkit kinesis status --stream ${this.stream}`;
    const messages: Record<AdminRefusal, string> = {
      'invalid-position': `"${position}" is not a sequence number (digits, or "sequence:subSequence" for an aggregated record)`,
      'unknown-shard': `stream "${this.stream}" has no shard "${shardId}" in its workers' coordination state (a typo, another --application/--key-prefix, or no worker has run yet); ${status}`,
      finished: `shard "${shardId}" is finished (read to its end after a split or merge; its children carry on): nothing reads a checkpoint there`,
      backwards: `advance never moves a checkpoint backwards: shard "${shardId}" is at ${previous}, at or past ${position}; to re-read records on purpose use \`checkpoint set\``,
      'not-in-shard': `Kinesis does not know sequence number ${position} in shard "${shardId}" (from another shard, or trimmed by retention); take it from the shard's records`,
      free: `nobody holds shard "${shardId}": there is no lease to release (${status})`,
    };
    return { ok: false, shardId, refused, message: messages[refused] };
  }

  async close(): Promise<void> {
    this.api?.destroy();
    if (this.ownRedis) await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Opens a {@link KinesisAdmin} on one stream (connects a redis:// URL first, failing fast if it does not answer). */
export function kinesisAdmin(options: KinesisAdminOptions): Promise<KinesisAdmin> {
  return KinesisAdmin.open(options);
}
