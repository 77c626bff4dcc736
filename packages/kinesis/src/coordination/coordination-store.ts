import type { RedisLike } from './redis-like.js';
import { SCRIPTS, runScript } from './scripts.js';
import type { StreamKeys } from './stream-keys.js';

/** An attempt entry of a shard (see `lua/settle.lua`): a failed, abandoned or done-ahead range. */
export interface AttemptEntry {
  /** First and last position covered. */
  readonly f: string;
  readonly t: string;
  /** Attempts it adds to each record it covers. */
  readonly n: number;
  /** 1: the delivery was abandoned (its consumer died or hung past the lease). */
  readonly a?: number;
  /** 1: settled ahead of the checkpoint (acked or dead-lettered while an earlier record waits). */
  readonly d?: number;
  /** The error of a failed attempt (JSON of a SerializedError). */
  readonly err?: string;
  /** When the retry is due (epoch ms). */
  readonly r?: number;
}

export interface AssignResult {
  readonly owned: ReadonlyArray<readonly [shard: string, epoch: number, expiry: number]>;
  readonly taken: ReadonlyArray<readonly [shard: string, epoch: number, from: string, how: 'free' | 'expired' | 'stolen']>;
  readonly requested: ReadonlyArray<readonly [shard: string, owner: string]>;
  readonly workers: number;
  readonly shards: number;
  readonly now: number;
  readonly loads: Readonly<Record<string, number>>;
  readonly nextExpiry: number;
}

export interface HeartbeatResult {
  readonly now: number;
  readonly renewed: ReadonlyArray<readonly [shard: string, expiry: number, wantedBy: string]>;
  readonly lost: ReadonlyArray<readonly [shard: string, owner: string]>;
}

export interface MarkItem {
  readonly shard: string;
  readonly epoch: number;
  readonly first: string;
  readonly last: string;
  readonly token: string;
}

export interface SettleItem {
  readonly s: string;
  readonly e: number;
  /** The claim's token ('' for records set aside at receive). */
  readonly k: string;
  readonly cp?: string;
  /** Failed records to retry: each counts an attempt. */
  readonly retry?: ReadonlyArray<readonly [position: string, error: string, runAt: number]>;
  /** Dead letters: message id, position, letter JSON. */
  readonly dead?: ReadonlyArray<readonly [id: string, position: string, letter: string]>;
  /** Records settled ahead of the checkpoint. */
  readonly ahead?: readonly string[];
}

export interface ReleaseItem {
  readonly shard: string;
  readonly epoch: number;
  /** '' frees it; a worker id hands it over; this worker's own id keeps it (records an abandonment). */
  readonly to: string;
  readonly abandoned: boolean;
}

export interface ShardRow {
  /** Parents. */
  readonly p: readonly string[];
  /** Start position when there is no checkpoint. */
  readonly s: string;
  /** 1: finished. */
  readonly d: number;
}

export interface AdminCheckpointResult {
  readonly ok: boolean;
  readonly code: '' | 'unknown-shard' | 'finished' | 'backwards';
  /** The checkpoint before ('' when there was none). */
  readonly previous: string;
  /** The worker whose lease was revoked ('' when nobody held it). */
  readonly owner: string;
  readonly epoch: number;
}

export interface AdminReleaseResult {
  readonly ok: boolean;
  readonly code: '' | 'unknown-shard' | 'finished' | 'free';
  readonly owner: string;
  readonly epoch: number;
}

/** Lua returns `{}` for an empty array (cjson cannot tell them apart). */
function list<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

function json(value: unknown): Record<string, unknown> {
  return JSON.parse(String(value)) as Record<string, unknown>;
}

/**
 * Every coordination step of one stream, one script (or command) each: the worker never builds
 * Redis commands itself, and the scripts never make a policy decision the worker should make.
 */
export class CoordinationStore {
  constructor(
    readonly redis: RedisLike,
    readonly keys: StreamKeys,
  ) {}

  async assign(me: string, memberTtlMs: number, leaseMs: number, maxSteals: number, stealTimeoutMs: number, avoid: readonly string[], minHoldMs: number): Promise<AssignResult> {
    const k = this.keys;
    const raw = json(await runScript(this.redis, SCRIPTS.assign, [k.members, k.leases, k.shards, k.inflight, k.attempts, k.epochs], [me, memberTtlMs, leaseMs, maxSteals, stealTimeoutMs, JSON.stringify(avoid), minHoldMs]));
    return {
      owned: list(raw.owned),
      taken: list(raw.taken),
      requested: list(raw.requested),
      workers: Number(raw.workers),
      shards: Number(raw.shards),
      now: Number(raw.now),
      loads: (Array.isArray(raw.loads) ? {} : raw.loads) as Record<string, number>,
      nextExpiry: Number(raw.nextExpiry),
    };
  }

  async heartbeat(me: string, memberTtlMs: number, leaseMs: number, held: ReadonlyArray<readonly [string, number]>): Promise<HeartbeatResult> {
    const k = this.keys;
    const raw = json(await runScript(this.redis, SCRIPTS.heartbeat, [k.members, k.leases], [me, memberTtlMs, leaseMs, JSON.stringify(held)]));
    return { now: Number(raw.now), renewed: list(raw.renewed), lost: list(raw.lost) };
  }

  /** Records the claim's shards as in flight. Returns the shards whose lease was lost (then nothing was written). */
  async mark(me: string, items: readonly MarkItem[]): Promise<string[]> {
    const k = this.keys;
    const payload = items.map((i) => [i.shard, i.epoch, i.first, i.last, i.token]);
    const raw = json(await runScript(this.redis, SCRIPTS.mark, [k.leases, k.inflight], [me, JSON.stringify(payload)]));
    return list(raw.lost);
  }

  /** Applies settlements. Returns the shards whose lease was lost (nothing changed on them). */
  async settle(me: string, items: readonly SettleItem[]): Promise<string[]> {
    const k = this.keys;
    const raw = json(await runScript(this.redis, SCRIPTS.settle, [k.leases, k.checkpoints, k.inflight, k.attempts, k.dead, k.deadIndex], [me, JSON.stringify(items)]));
    return list(raw.lost);
  }

  async release(me: string, leaseMs: number, items: readonly ReleaseItem[], leave: boolean): Promise<ReadonlyArray<readonly [shard: string, to: string, epoch: number]>> {
    const k = this.keys;
    const payload = items.map((i) => [i.shard, i.epoch, i.to, i.abandoned ? 1 : 0]);
    const raw = json(await runScript(this.redis, SCRIPTS.release, [k.members, k.leases, k.inflight, k.attempts, k.epochs], [me, leaseMs, JSON.stringify(payload), leave ? '1' : '0']));
    return list(raw.released);
  }

  async finish(me: string, shard: string, epoch: number, leaseMs: number): Promise<{ ok: boolean; children: Array<readonly [shard: string, epoch: number, expiry: number]> }> {
    const k = this.keys;
    const raw = json(await runScript(this.redis, SCRIPTS.finish, [k.leases, k.shards, k.checkpoints, k.inflight, k.attempts, k.epochs], [me, shard, epoch, leaseMs]));
    return { ok: raw.ok === true, children: list(raw.children) };
  }

  async sync(shards: ReadonlyArray<readonly [shard: string, parents: readonly string[], closed: boolean]>, initial: string): Promise<string[]> {
    const k = this.keys;
    const payload = shards.map(([id, parents, closed]) => [id, parents, closed ? 1 : 0]);
    const raw = json(await runScript(this.redis, SCRIPTS.sync, [k.shards, k.meta], [JSON.stringify(payload), initial]));
    return list(raw.added);
  }

  /** 0 when every id was reserved, else the 1-based index of the first id already held. */
  async reserveIds(ids: readonly string[], retentionMs: number): Promise<number> {
    return Number(await runScript(this.redis, SCRIPTS.reserveIds, [this.keys.ids], [retentionMs, ...ids]));
  }

  async unreserveIds(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.redis.zrem(this.keys.ids, ...ids);
  }

  async removeDead(by: 'ids' | 'entries', values: readonly string[]): Promise<number> {
    if (values.length === 0) return 0;
    return Number(await runScript(this.redis, SCRIPTS.removeDead, [this.keys.dead, this.keys.deadIndex], [by, ...values]));
  }

  /** What a new owner of a shard starts from. */
  async shardState(shard: string): Promise<{ checkpoint: string | undefined; attempts: AttemptEntry[]; row: ShardRow | undefined }> {
    const k = this.keys;
    const [checkpoint, attempts, row] = await Promise.all([this.redis.hget(k.checkpoints, shard), this.redis.hget(k.attempts, shard), this.redis.hget(k.shards, shard)]);
    return {
      checkpoint: checkpoint ?? undefined,
      attempts: attempts === null ? [] : list<AttemptEntry>(JSON.parse(attempts)),
      row: row === null ? undefined : (JSON.parse(row) as ShardRow),
    };
  }

  /**
   * Workers of a stream join one at a time: the first to start takes every shard, later ones their
   * share from it by hand-over (instead of racing for the free leases). Waits up to `ms` for the
   * lock; returns its token ('' if it expired while waiting: go on anyway).
   */
  async lockStart(me: string, ms: number, signal?: AbortSignal): Promise<string> {
    const token = `${me}:${Math.random().toString(36).slice(2)}`;
    const until = performance.now() + ms;
    while (performance.now() < until && signal?.aborted !== true) {
      if ((await this.redis.set(this.keys.startLock, token, 'PX', ms, 'NX')) === 'OK') return token;
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 20));
    }
    return '';
  }

  async unlockStart(token: string): Promise<void> {
    if (token !== '') await runScript(this.redis, SCRIPTS.unlock, [this.keys.startLock], [token]);
  }

  /** An operator's checkpoint move (see `lua/admin-checkpoint.lua`): fenced, revokes the lease. */
  async adminCheckpoint(shard: string, position: string, mode: 'set' | 'advance'): Promise<AdminCheckpointResult> {
    const k = this.keys;
    const raw = json(await runScript(this.redis, SCRIPTS.adminCheckpoint, [k.leases, k.shards, k.checkpoints, k.inflight, k.attempts], [shard, position, mode]));
    return { ok: raw.ok === true, code: String(raw.code) as AdminCheckpointResult['code'], previous: String(raw.previous), owner: String(raw.owner), epoch: Number(raw.epoch) };
  }

  /** An operator's lease release (see `lua/admin-release.lua`): fenced, counts the claim out as abandoned. */
  async adminRelease(shard: string): Promise<AdminReleaseResult> {
    const k = this.keys;
    const raw = json(await runScript(this.redis, SCRIPTS.adminRelease, [k.leases, k.shards, k.inflight, k.attempts], [shard]));
    return { ok: raw.ok === true, code: String(raw.code) as AdminReleaseResult['code'], owner: String(raw.owner), epoch: Number(raw.epoch) };
  }

  async nudge(message: string): Promise<void> {
    await this.redis.publish(this.keys.channel, message);
  }
}
