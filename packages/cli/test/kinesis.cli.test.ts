// `mqkit kinesis …` against kinesalite and the local Redis, with real worker processes: the status
// is the coordination state as it is, and the repairs are fenced and honoured by live workers.
import { startKinesalite, until, type Kinesalite } from '@mqkit/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { json, mqkit } from './support/mqkit.js';
import { REDIS_URL } from './support/servers.js';
import { KinesisWorld } from './support/kinesis-world.js';

let server: Kinesalite;
let world: KinesisWorld | undefined;
beforeAll(async () => {
  server = await startKinesalite();
});
afterAll(async () => server?.close());
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function fresh(shards: number): Promise<KinesisWorld> {
  world = await new KinesisWorld(server).open(shards);
  return world;
}

interface Status {
  stream: string;
  workers: Array<{ id: string; alive: boolean }>;
  shards: Array<{ shardId: string; owner: string; epoch: number; leaseExpiresAt: number; checkpoint?: string; finished: boolean; lagMs?: number }>;
}

const SHARD0 = 'shardId-000000000000';

describe('mqkit kinesis', () => {
  it('status shows the leases, epochs, checkpoints and workers Redis holds, with lag, as JSON and as a table', async () => {
    const w = await fresh(2);
    await w.start('w1');
    const ids = await w.publish(20);
    await until(() => ids.every((id) => w.acked().has(id)), 30_000, 'every message acked');
    await until(async () => Object.keys(await w.checkpoints()).length === 2, 10_000, 'both shards checkpointed');
    const status = json<Status>(await w.cli('status', '--json'));
    const [leases, checkpoints] = [await w.leases(), await w.checkpoints()];
    expect(status.workers.map((x) => x.id)).toEqual(['w1']);
    expect(status.shards.map((s) => s.shardId)).toEqual([SHARD0, 'shardId-000000000001']);
    for (const s of status.shards) {
      expect(s).toMatchObject({ owner: leases[s.shardId]!.o, epoch: leases[s.shardId]!.e, checkpoint: checkpoints[s.shardId], finished: false });
      expect(Math.abs(s.leaseExpiresAt - leases[s.shardId]!.x)).toBeLessThan(10_000);
      expect(typeof s.lagMs).toBe('number');
    }
    const table = await w.cli('status');
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(checkpoints[SHARD0]);
    expect(table.stdout).toMatch(/workers alive: 1 \(w1\)/);
  });

  it('status tells a dead worker whose membership expired from a live one (no live worker is left to remove it)', async () => {
    const w = await fresh(1);
    const worker = await w.start('w1', 0, { LEASE_MS: '600' });
    await until(async () => (await w.leases())[SHARD0]?.o === 'w1', 20_000, 'w1 holding the shard');
    expect(json<Status>(await w.cli('status', '--json')).workers).toMatchObject([{ id: 'w1', alive: true }]);
    await worker.kill();
    await until(async () => json<Status>(await w.cli('status', '--json')).workers.every((x) => !x.alive), 10_000, "w1's membership expired");
    const table = await w.cli('status');
    expect(table.stdout).toMatch(/workers alive: 0; expired, not yet removed: 1 \(w1\)/);
  });

  it('lease release refuses without --yes; with it the lease is freed and a live worker takes it at a new epoch', async () => {
    const w = await fresh(1);
    await w.start('w1');
    await until(async () => (await w.leases())[SHARD0]?.o === 'w1', 20_000, 'w1 holding the shard');
    const before = (await w.leases())[SHARD0]!;
    const refused = await w.cli('lease', 'release', SHARD0);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/not confirmed/);
    expect((await w.leases())[SHARD0]).toMatchObject({ o: 'w1', e: before.e });
    const released = await w.cli('lease', 'release', SHARD0, '--yes', '--json');
    expect(json(released)).toMatchObject({ ok: true, shardId: SHARD0, owner: 'w1', epoch: before.e });
    await until(async () => ((await w.leases())[SHARD0]?.e ?? 0) > before.e && (await w.leases())[SHARD0]?.o === 'w1', 20_000, 'the shard taken again at a new epoch');
    // The worker consumes on the new lease.
    const ids = await w.publish(3);
    await until(() => ids.every((id) => w.acked().has(id)), 20_000, 'messages after the release processed');
    expect((await w.cli('lease', 'release', 'shardId-000000000099', '--yes')).code).toBe(4);
  });

  it('checkpoint advance is fenced against the live owner, refuses to go backwards, and is honoured after a restart', async () => {
    const w = await fresh(1);
    // Slow work (one message per batch, 500 ms each): a backlog the advance skips.
    const w1 = await w.start('w1', 500, { BATCH: '1', CONCURRENCY: '1' });
    const ids = await w.publish(16, 'k');
    const seq = await w.sequences(SHARD0);
    await until(() => w.acked().has(ids[0]!), 20_000, 'the first message processed');
    const r = await w.cli('checkpoint', 'advance', SHARD0, seq.get(ids[12]!)!, '--yes', '--json');
    const advancedAt = Date.now();
    expect(json(r)).toMatchObject({ ok: true, owner: 'w1', checkpoint: seq.get(ids[12]!) });
    const backwards = await w.cli('checkpoint', 'advance', SHARD0, seq.get(ids[0]!)!, '--yes');
    expect(backwards.code).toBe(4);
    expect(backwards.stderr).toMatch(/never moves a checkpoint backwards/);
    await until(() => w.acked().has(ids[13]!), 20_000, 'the message after the new checkpoint processed');
    // The last message handed out before the advance returned was at most in flight then (its ack
    // is fenced off); nothing between it and the new checkpoint is delivered.
    const last = Math.max(...w.deliveries().filter((d) => d.at < advancedAt).map((d) => ids.indexOf(d.id)));
    expect(last).toBeLessThan(11);
    const seen = new Set(w.deliveries().map((d) => d.id));
    expect(ids.slice(last + 1, 13).filter((id) => seen.has(id))).toEqual([]);
    expect(BigInt((await w.checkpoints())[SHARD0]!)).toBeGreaterThanOrEqual(BigInt(seq.get(ids[13]!)!));
    await w1.stop();
    // After a restart the new worker starts past the skipped records, and finishes the rest.
    await w.start('w2');
    await until(() => w.acked().has(ids[15]!), 20_000, 'w2 processing the rest');
    const byW2 = w.deliveries().filter((d) => d.worker === 'w2').map((d) => d.id);
    expect(byW2.some((id) => ids.slice(0, 14).includes(id))).toBe(false);
  });

  it('dlq on a Kinesis stream: a poison record dead-lettered by a worker is listed, replayed with --yes and processed', async () => {
    const w = await fresh(1);
    const [bad] = await w.publish(1);
    const w1 = await w.start('w1', 0, { FAIL_ON: bad!, MAX_ATTEMPTS: '2' });
    const dlq = (...args: string[]) => mqkit(['dlq', ...args, '--queue', w.stream, '--redis-url', REDIS_URL, '--key-prefix', w.prefix, '--kinesis-endpoint', server.endpoint]);
    await until(async () => json<Array<{ id: string }>>(await dlq('list', '--json')).some((l) => l.id === bad), 20_000, 'the poison record dead-lettered');
    await w1.stop();
    await w.start('w2');
    expect(json(await dlq('replay', '--yes', '--json'))).toMatchObject({ replayed: 1 });
    await until(() => w.deliveries().some((d) => d.worker === 'w2' && d.id === bad && d.acked === true), 20_000, 'the replayed record processed by w2');
    expect(json(await dlq('list', '--json'))).toEqual([]);
  });

  it('checkpoint refuses an unknown shard, a finished shard, a position that is not a sequence number and one Kinesis does not know in the shard', async () => {
    const w = await fresh(1);
    await w.redis.hset(w.keys.shards, 'shardId-000000000007', JSON.stringify({ p: [], s: 'TRIM_HORIZON', d: 1 }));
    const finished = await w.cli('checkpoint', 'set', 'shardId-000000000007', '123', '--yes');
    expect(finished.code).toBe(4);
    expect(finished.stderr).toMatch(/is finished/);
    const unknown = await w.cli('checkpoint', 'set', 'shardId-000000000042', '123', '--yes');
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toMatch(/has no shard "shardId-000000000042"/);
    expect((await w.cli('checkpoint', 'set', SHARD0, 'not-a-number', '--yes')).code).toBe(2);
    await w.redis.hset(w.keys.shards, SHARD0, JSON.stringify({ p: [], s: 'TRIM_HORIZON', d: 0 }));
    const foreign = await w.cli('checkpoint', 'set', SHARD0, '123', '--yes');
    expect(foreign.code).toBe(4);
    expect(foreign.stderr).toMatch(/does not know sequence number 123 in shard/);
    expect(await w.checkpoints()).toEqual({});
  });
});
