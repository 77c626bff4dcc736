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
  readonly workers: ReadonlyArray<{ readonly id: string; readonly expiresAt: number }>;
  readonly shards: readonly ShardStatus[];
  readonly deadLetters: number;
}

export async function readStatus(store: CoordinationStore, stream: string, lags: ReadonlyMap<string, number | undefined>): Promise<StreamStatus> {
  const { redis, keys } = store;
  const [members, leases, shards, checkpoints, attempts, dead] = await Promise.all([
    redis.zrange(keys.members, 0, -1, 'WITHSCORES'),
    redis.hgetall(keys.leases),
    redis.hgetall(keys.shards),
    redis.hgetall(keys.checkpoints),
    redis.hgetall(keys.attempts),
    redis.xlen(keys.dead),
  ]);
  const workers: Array<{ id: string; expiresAt: number }> = [];
  for (let i = 0; i < members.length; i += 2) workers.push({ id: members[i]!, expiresAt: Number(members[i + 1]) });
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
  return { stream, workers, shards: out, deadLetters: dead };
}
