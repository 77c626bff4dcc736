// The Lua scripts against the real Redis: assignment, fencing, checkpoints, resharding lineage.
import { suiteName } from '@mqkit/testkit';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CoordinationStore } from '../src/coordination/coordination-store.js';
import { streamKeys } from '../src/index.js';
import { REDIS_URL, dropPrefix, redisReachable, uniquePrefix } from './support/redis.js';

const reachable = await redisReachable();
const LEASE = 60_000;
let redis: Redis;
const prefixes: string[] = [];
beforeAll(() => {
  redis = new Redis(REDIS_URL);
});
afterAll(() => redis?.disconnect());
afterEach(async () => {
  for (const p of prefixes.splice(0)) await dropPrefix(p);
});

async function store(shards: number, lineage: Array<[string, string[], boolean]> = []): Promise<CoordinationStore> {
  const prefix = uniquePrefix('coord');
  prefixes.push(prefix);
  const s = new CoordinationStore(redis, streamKeys(prefix, 'app', 'stream'));
  const list: Array<[string, string[], boolean]> = Array.from({ length: shards }, (_, i) => [`s${i}`, [], false]);
  await s.sync([...list, ...lineage], 'TRIM_HORIZON');
  return s;
}

async function cycle(s: CoordinationStore, worker: string): Promise<string[]> {
  const r = await s.assign(worker, LEASE, LEASE, 1, LEASE, [], 0);
  return r.owned.map((o) => o[0]).sort();
}

/** Owners' shard counts after a worker hands over every shard asked of it (as a live worker does). */
async function handOver(s: CoordinationStore, worker: string): Promise<void> {
  const held = (await s.assign(worker, LEASE, LEASE, 0, LEASE, [], 0)).owned.map((o) => [o[0], o[1]] as const);
  const beat = await s.heartbeat(worker, LEASE, LEASE, held);
  const asked = beat.renewed.filter((r) => r[2] !== '');
  if (asked.length > 0) await s.release(worker, LEASE, asked.map((r) => ({ shard: r[0], epoch: held.find((h) => h[0] === r[0])![1], to: r[2], abandoned: false })), false);
}

describe.skipIf(!reachable.ok)(suiteName('coordination scripts (Redis)', reachable), () => {
  it('4 shards over 3 workers end 2/1/1, and further cycles move nothing (no flapping)', async () => {
    const s = await store(4);
    expect(await cycle(s, 'a')).toEqual(['s0', 's1', 's2', 's3']); // alone: takes everything
    for (let round = 0; round < 4; round++) {
      for (const w of ['b', 'c']) await cycle(s, w); // ask for a shard each
      await handOver(s, 'a');
    }
    const counts = async (): Promise<number[]> => Promise.all(['a', 'b', 'c'].map(async (w) => (await cycle(s, w)).length));
    expect((await counts()).sort()).toEqual([1, 1, 2]);
    const before = await Promise.all(['a', 'b', 'c'].map((w) => cycle(s, w)));
    for (let i = 0; i < 5; i++) for (const w of ['a', 'b', 'c']) await cycle(s, w);
    expect(await Promise.all(['a', 'b', 'c'].map((w) => cycle(s, w)))).toEqual(before);
  });

  it('a steal request the owner does not honour within the steal timeout is forced with a new epoch', async () => {
    const s = await store(2);
    await cycle(s, 'a');
    const asked = await s.assign('b', LEASE, LEASE, 1, 0, [], 0); // steal timeout 0: forced on the next cycle
    expect(asked.requested.length).toBe(1);
    const forced = await s.assign('b', LEASE, LEASE, 1, 0, [], 0);
    expect(forced.taken.map((t) => t[3])).toEqual(['stolen']);
    const [shard, epoch] = forced.owned[0]!;
    expect(epoch).toBe(2); // INCR on every change of owner
    const beat = await s.heartbeat('a', LEASE, LEASE, [[shard, 1]]);
    expect(beat.lost).toEqual([[shard, 'b']]);
  });

  it('only the owner at its current epoch checkpoints, and a checkpoint never moves backwards', async () => {
    const s = await store(1);
    const [shard, epoch] = (await s.assign('a', LEASE, LEASE, 1, LEASE, [], 0)).owned[0]!;
    const cp = async () => redis.hget(s.keys.checkpoints, shard);
    expect(await s.settle('a', [{ s: shard, e: epoch, k: '', cp: '100' }])).toEqual([]);
    expect(await s.settle('a', [{ s: shard, e: epoch, k: '', cp: '99' }])).toEqual([]);
    expect(await cp()).toBe('100'); // '99' < '100' as big integers: ignored
    expect(await s.settle('a', [{ s: shard, e: epoch, k: '', cp: '1000' }])).toEqual([]);
    expect(await cp()).toBe('1000'); // a string compare would have refused it
    expect(await s.settle('a', [{ s: shard, e: epoch + 1, k: '', cp: '2000' }])).toEqual([shard]); // a stale epoch
    expect(await s.settle('b', [{ s: shard, e: epoch, k: '', cp: '2000' }])).toEqual([shard]); // not the owner
    expect(await cp()).toBe('1000');
  });

  it('an owner whose lease expired cannot checkpoint; whoever takes the shard counts its unsettled claim as an attempt', async () => {
    const s = await store(1);
    const [shard, epoch] = (await s.assign('a', 200, 200, 1, LEASE, [], 0)).owned[0]!;
    expect(await s.mark('a', [{ shard, epoch, first: '10', last: '30', token: 'c1' }])).toEqual([]);
    await new Promise((r) => setTimeout(r, 250)); // prove a negative: past the lease, by Redis time
    expect(await s.settle('a', [{ s: shard, e: epoch, k: 'c1', cp: '30' }])).toEqual([shard]);
    const taken = await s.assign('b', LEASE, LEASE, 1, LEASE, [], 0);
    expect(taken.taken).toEqual([[shard, epoch + 1, 'a', 'expired']]);
    const state = await s.shardState(shard);
    expect(state.checkpoint).toBeUndefined();
    expect(state.attempts).toEqual([{ f: '10', t: '30', n: 1, a: 1 }]);
  });

  it('a settle applied twice (its answer lost) counts its retry once', async () => {
    const s = await store(1);
    const [shard, epoch] = (await s.assign('a', LEASE, LEASE, 1, LEASE, [], 0)).owned[0]!;
    await s.mark('a', [{ shard, epoch, first: '5', last: '6', token: 'c1' }]);
    const item = { s: shard, e: epoch, k: 'c1', cp: '5', retry: [['6', '{"name":"E","message":"x"}', 1]] as const };
    await s.settle('a', [item]);
    await s.settle('a', [item]);
    expect((await s.shardState(shard)).attempts.length).toBe(1);
  });

  it('a merged child is assignable only after both parents finished, and goes to the last parent\'s owner with its lease', async () => {
    const s = await store(2, [['child', ['s0', 's1'], false]]);
    const owned = await cycle(s, 'a');
    expect(owned).toEqual(['s0', 's1']); // not the child yet
    const epochOf = async (id: string): Promise<number> => (JSON.parse((await redis.hget(s.keys.leases, id))!) as { e: number }).e;
    const first = await s.finish('a', 's0', await epochOf('s0'), LEASE);
    expect(first).toEqual({ ok: true, children: [] }); // the adjacent parent is not finished
    const second = await s.finish('a', 's1', await epochOf('s1'), LEASE);
    expect(second.children.map((c) => c[0])).toEqual(['child']);
    expect(await cycle(s, 'a')).toEqual(['child']);
    expect(await redis.hexists(s.keys.leases, 's0')).toBe(0); // finished parents' leases are cleaned up
  });
});
