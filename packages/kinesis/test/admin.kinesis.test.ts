// kinesisAdmin's scripts against the real Redis: an operator's checkpoint move or lease release is
// fenced against the owner exactly as the workers' own writes are, and refusals change nothing.
import { suiteName } from '@mqkit/testkit';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CoordinationStore } from '../src/coordination/coordination-store.js';
import { kinesisAdmin, streamKeys, type KinesisAdmin } from '../src/index.js';
import { REDIS_URL, dropPrefix, redisReachable, uniquePrefix } from './support/redis.js';

const reachable = await redisReachable();
const LEASE = 60_000;
let redis: Redis;
const opened: Array<{ prefix: string; admin: KinesisAdmin }> = [];
beforeAll(() => {
  redis = new Redis(REDIS_URL);
});
afterAll(() => redis?.disconnect());
afterEach(async () => {
  for (const { prefix, admin } of opened.splice(0)) {
    await admin.close();
    await dropPrefix(prefix);
  }
});

/** A stream with shards s0 (owned by worker w at epoch 1, checkpoint 100, a claim 101–105 out) and s1 (finished). */
async function world(): Promise<{ store: CoordinationStore; admin: KinesisAdmin; epoch: number }> {
  const prefix = uniquePrefix('admin');
  const store = new CoordinationStore(redis, streamKeys(prefix, 'mqkit', 'orders'));
  await store.sync([['s0', [], false], ['s1', [], true]], 'TRIM_HORIZON');
  await redis.hset(store.keys.shards, 's1', JSON.stringify({ p: [], s: 'TRIM_HORIZON', d: 1 }));
  const [owned] = (await store.assign('w', LEASE, LEASE, 1, LEASE, [], 0)).owned;
  const epoch = owned![1];
  expect(await store.settle('w', [{ s: 's0', e: epoch, k: '', cp: '100' }])).toEqual([]);
  expect(await store.mark('w', [{ shard: 's0', epoch, first: '101', last: '105', token: 't1' }])).toEqual([]);
  const admin = await kinesisAdmin({ redis, stream: 'orders', keyPrefix: prefix });
  opened.push({ prefix, admin });
  return { store, admin, epoch };
}

describe.skipIf(!reachable.ok)(suiteName('kinesisAdmin (Redis)', reachable), () => {
  it('advance moves the checkpoint forward and revokes the lease: the old owner can no longer settle or renew', async () => {
    const { store, admin, epoch } = await world();
    expect(await admin.advanceCheckpoint('s0', '200')).toMatchObject({ ok: true, owner: 'w', epoch, previous: '100', checkpoint: '200' });
    expect(await redis.hget(store.keys.checkpoints, 's0')).toBe('200');
    expect(await store.settle('w', [{ s: 's0', e: epoch, k: 't1', cp: '105' }])).toEqual(['s0']);
    expect((await store.heartbeat('w', LEASE, LEASE, [['s0', epoch]])).lost).toEqual([['s0', '']]);
    expect(await redis.hget(store.keys.checkpoints, 's0')).toBe('200');
    // The next owner takes it at a new epoch and starts from the operator's checkpoint.
    const [taken] = (await store.assign('w', LEASE, LEASE, 1, LEASE, [], 0)).owned;
    expect(taken![1]).toBeGreaterThan(epoch);
    expect((await store.shardState('s0')).checkpoint).toBe('200');
  });

  it('advance refuses to go backwards (or stay), set goes backwards; refusals change nothing', async () => {
    const { store, admin } = await world();
    expect(await admin.advanceCheckpoint('s0', '100')).toMatchObject({ ok: false, refused: 'backwards' });
    expect(await admin.advanceCheckpoint('s0', '99')).toMatchObject({ ok: false, refused: 'backwards' });
    expect((await store.shardState('s0')).checkpoint).toBe('100');
    expect((await admin.status()).shards.find((s) => s.shardId === 's0')).toMatchObject({ owner: 'w' });
    expect(await admin.setCheckpoint('s0', '50')).toMatchObject({ ok: true, previous: '100', checkpoint: '50' });
    expect((await store.shardState('s0')).checkpoint).toBe('50');
  });

  it('refuses an unknown shard, a finished shard and a position that is not a sequence number', async () => {
    const { store, admin } = await world();
    expect(await admin.setCheckpoint('s9', '1')).toMatchObject({ ok: false, refused: 'unknown-shard' });
    expect(await admin.setCheckpoint('s1', '1')).toMatchObject({ ok: false, refused: 'finished' });
    expect(await admin.setCheckpoint('s0', '12a')).toMatchObject({ ok: false, refused: 'invalid-position' });
    expect(await admin.releaseLease('s1')).toMatchObject({ ok: false, refused: 'finished' });
    expect(await redis.hget(store.keys.checkpoints, 's1')).toBeNull();
  });

  it('release frees the lease, fences the owner and counts its claim out as an abandoned attempt; a free lease is refused', async () => {
    const { store, admin, epoch } = await world();
    expect(await admin.releaseLease('s0')).toMatchObject({ ok: true, owner: 'w', epoch });
    expect(await store.settle('w', [{ s: 's0', e: epoch, k: 't1', cp: '105' }])).toEqual(['s0']);
    expect((await store.shardState('s0')).attempts).toEqual([{ f: '101', t: '105', n: 1, a: 1 }]);
    expect(await admin.releaseLease('s0')).toMatchObject({ ok: false, refused: 'free' });
    const status = await admin.status();
    expect(status.shards.map((s) => [s.shardId, s.owner, s.finished])).toEqual([['s0', '', false], ['s1', '', true]]);
  });
});
