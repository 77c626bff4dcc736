import type { CoordinationStore, ShardRow } from './coordination/coordination-store.js';

export interface ShardStatus {
  readonly shardId: string;
  readonly parents: readonly string[];
  readonly finished: boolean;
  /** '' when nobody holds it. */
  readonly owner: string;
  readonly epoch: number;
  /** Redis time (epoch ms); 0 when free. */
  readonly leaseExpiresAt: number;
  /** Another worker asked for it. */
  readonly wantedBy: string;
  readonly checkpoint: string | undefined;
  /** Records past the checkpoint with a failed, abandoned or done-ahead entry. */
  readonly pendingAttempts: number;
  /** MillisBehindLatest, when this process reads the shard. */
  readonly lagMs: number | undefined;
}

export interface StreamStatus {
  readonly stream: string;
  /**
   * The membership set as Redis holds it. `alive`: its membership expiry is after `at`. An expired
   * member is removed by a live worker's next heartbeat, so with no worker running the last ones stay.
   */
  readonly workers: ReadonlyArray<{ readonly id: string; readonly expiresAt: number; readonly alive: boolean }>;
  /** Redis time (epoch ms) when the status was read: compare `expiresAt` and `leaseExpiresAt` with it. */
  readonly at: number;
  readonly shards: readonly ShardStatus[];
  readonly deadLetters: number;
}

/** Redis's clock in epoch ms, the clock leases and memberships expire by. */
const REDIS_NOW_MS = "local t = redis.call('TIME') return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)";

export async function readStatus(store: CoordinationStore, stream: string, lags: ReadonlyMap<string, number | undefined>): Promise<StreamStatus> {
  const { redis, keys } = store;
  const [members, leases, shards, checkpoints, attempts, dead, time] = await Promise.all([
    redis.zrange(keys.members, 0, -1, 'WITHSCORES'),
    redis.hgetall(keys.leases),
    redis.hgetall(keys.shards),
    redis.hgetall(keys.checkpoints),
    redis.hgetall(keys.attempts),
    redis.xlen(keys.dead),
    redis.eval(REDIS_NOW_MS, 0),
  ]);
  const at = Number(time);
  const workers: Array<{ id: string; expiresAt: number; alive: boolean }> = [];
  for (let i = 0; i < members.length; i += 2) {
    const expiresAt = Number(members[i + 1]);
    workers.push({ id: members[i]!, expiresAt, alive: expiresAt > at });
  }
  const out: ShardStatus[] = Object.entries(shards)
    .map(([shardId, raw]) => {
      const row = JSON.parse(raw) as ShardRow;
      const lease = leases[shardId] === undefined ? undefined : (JSON.parse(leases[shardId]) as { o: string; e: number; x: number; w?: string });
      const entries = attempts[shardId] === undefined ? [] : (JSON.parse(attempts[shardId]) as unknown[]);
      return {
        shardId,
        parents: Array.isArray(row.p) ? row.p : [],
        finished: Number(row.d) === 1,
        owner: lease?.o ?? '',
        epoch: Number(lease?.e ?? 0),
        leaseExpiresAt: Number(lease?.x ?? 0),
        wantedBy: lease?.w ?? '',
        checkpoint: checkpoints[shardId],
        pendingAttempts: Array.isArray(entries) ? entries.length : 0,
        lagMs: lags.get(shardId),
      };
    })
    .sort((a, b) => a.shardId.localeCompare(b.shardId));
  return { stream, at, workers, shards: out, deadLetters: dead };
}
