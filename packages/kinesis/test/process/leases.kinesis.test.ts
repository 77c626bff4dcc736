// Worker processes against kinesalite + Redis: balanced assignment, a SIGKILLed worker, a worker
// frozen past its lease, a graceful hand-off. The oracle (testkit's checkDeliveries): nothing
// missing, per-key order kept, duplicates counted.
import { checkDeliveries, readDeliveries, readEvents, until, suiteName } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { faultSuite, type FaultRun } from '../support/fault-run.js';
import { redisReachable } from '../support/redis.js';
import { record } from '../support/figures.js';

const reachable = await redisReachable();
const LEASE_MS = 1_500; // the tuned setting (the default is 6000)
const suite = faultSuite('leases');
const fresh = (shards: number): Promise<FaultRun> => suite.fresh(shards);

async function owners(r: FaultRun): Promise<Map<string, number>> {
  const status = await r.provider.status(r.stream);
  const counts = new Map<string, number>();
  for (const s of status.shards) if (s.owner !== '' && s.leaseExpiresAt > Date.now() - 5_000) counts.set(s.owner, (counts.get(s.owner) ?? 0) + 1);
  return counts;
}

describe.skipIf(!reachable.ok)(suiteName('kinesis worker processes', reachable), () => {
  it('4 shards over 3 worker processes end 2/1/1 and stay so (no flapping)', async () => {
    const r = await fresh(4);
    for (const name of ['a', 'b', 'c']) await r.start(name, { LEASE_MS });
    await until(async () => [...(await owners(r)).values()].sort().join() === '1,1,2', 10_000, '2/1/1');
    const before = (await r.provider.status(r.stream)).shards.map((s) => `${s.shardId}=${s.owner}@${s.epoch}`);
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 2)); // prove a negative: several balancing cycles move nothing
    const after = (await r.provider.status(r.stream)).shards.map((s) => `${s.shardId}=${s.owner}@${s.epoch}`);
    expect(after).toEqual(before);
  });

  it('a worker SIGKILLed mid-batch: its shards are taken over within the lease, nothing is missing, order per key is kept', async () => {
    const r = await fresh(4);
    const a = await r.start('a', { LEASE_MS, BATCH: 5 }, 5);
    await r.start('b', { LEASE_MS, BATCH: 5 }, 5);
    await until(async () => [...(await owners(r)).values()].sort().join() === '2,2', 10_000, 'both workers hold two shards');
    await r.publish(8, 100);
    await until(() => readDeliveries(r.dir).some((d) => d.worker === 'a'), 10_000, 'a is processing');
    const killedAt = Date.now();
    await a.kill();
    await until(() => checkDeliveries(r.published, readDeliveries(r.dir)).missing.length === 0, 20_000, () => `all delivered (missing ${checkDeliveries(r.published, readDeliveries(r.dir)).missing.length})`);
    const takeovers = readEvents(r.dir).filter((e) => e.worker === 'b' && e.type === 'lease.acquired' && e.kind === 'shard' && e.at > killedAt);
    expect(takeovers.length).toBe(2);
    const failoverMs = Math.max(...takeovers.map((e) => e.at)) - killedAt;
    const report = checkDeliveries(r.published, readDeliveries(r.dir), { ordered: true });
    record('kinesis', { fault: 'worker SIGKILLed mid-batch (lease 1500 ms)', sent: report.sent, lost: report.missing.length, duplicates: report.duplicates, recoverMs: failoverMs });
    expect(report.missing).toEqual([]);
    expect(report.orderViolations).toEqual([]);
    // Within the lease (renewed a third of it before the kill at worst) plus a cycle's slack: tuned target ≤ 3 s.
    expect(failoverMs).toBeLessThan(LEASE_MS + 500);
  });

  it('a worker frozen (SIGSTOP) past its lease cannot checkpoint when it wakes: its late batch is fenced and the peer goes on', async () => {
    const r = await fresh(2);
    // A claim lease far longer than the freeze: core itself does not give the batch up, the provider's fencing must.
    const a = await r.start('a', { LEASE_MS, BATCH: 20, CONCURRENCY: 2, CLAIM_LEASE_MS: 60_000 }, 300);
    await until(async () => (await owners(r)).get('a') === 2, 10_000, 'a holds both shards');
    await r.publish(4, 50);
    await until(() => readDeliveries(r.dir).length > 0, 10_000, 'a has a batch in hand');
    a.freeze();
    const frozenAt = Date.now();
    await r.start('b', { LEASE_MS, BATCH: 20 });
    await until(async () => (await owners(r)).get('b') === 2, 10_000, 'b takes both shards once a\'s leases expire');
    await new Promise((resolve) => setTimeout(resolve, 300)); // b makes progress while a is frozen
    a.thaw();
    await until(() => checkDeliveries(r.published, readDeliveries(r.dir)).missing.length === 0, 20_000, 'all delivered');
    await until(() => readEvents(r.dir).some((e) => e.worker === 'a' && e.type === 'lease.lost'), 10_000, 'a learns it lost its leases');
    // Its batch finished after the thaw, and was refused. Once awake, a may win a shard back from b
    // (the balancer evens 0/2 out): its checkpoints under that new lease are its right.
    const events = readEvents(r.dir);
    const reacquired = (shardId: string | undefined, at: number): boolean =>
      events.some((e) => e.worker === 'a' && e.type === 'lease.acquired' && e.resource === shardId && e.at > frozenAt && e.at <= at);
    const lateCheckpoints = events.filter((e) => e.worker === 'a' && e.type === 'checkpoint' && e.at > frozenAt && !reacquired(e.shardId, e.at));
    expect(lateCheckpoints).toEqual([]);
    const report = checkDeliveries(r.published, readDeliveries(r.dir), { ordered: true });
    record('kinesis', { fault: 'worker frozen (SIGSTOP) past its lease', sent: report.sent, lost: report.missing.length, duplicates: report.duplicates, recoverMs: undefined });
    expect(report.missing).toEqual([]);
    expect(report.orderViolations).toEqual([]);
  });

  it('a graceful stop hands the shards over at once: the peer takes them in well under a second, without duplicates', async () => {
    const r = await fresh(4);
    const a = await r.start('a', { LEASE_MS: 6_000, BATCH: 10 }, 2);
    await r.start('b', { LEASE_MS: 6_000, BATCH: 10 }, 2);
    await until(async () => [...(await owners(r)).values()].sort().join() === '2,2', 20_000, '2/2');
    await r.publish(8, 50);
    await until(() => readDeliveries(r.dir).some((d) => d.worker === 'a'), 10_000, 'a is processing');
    const stoppedAt = Date.now();
    await a.stop(5_000);
    await until(async () => (await owners(r)).get('b') === 4, 10_000, 'b holds every shard');
    const handoffMs = Math.max(...readEvents(r.dir).filter((e) => e.worker === 'b' && e.type === 'lease.acquired' && e.at > stoppedAt).map((e) => e.at)) - stoppedAt;
    await until(() => checkDeliveries(r.published, readDeliveries(r.dir)).missing.length === 0, 20_000, 'all delivered');
    const report = checkDeliveries(r.published, readDeliveries(r.dir), { ordered: true });
    record('kinesis', { fault: 'graceful stop (SIGTERM-like), lease 6000 ms', sent: report.sent, lost: report.missing.length, duplicates: report.duplicates, recoverMs: handoffMs });
    expect(report.missing).toEqual([]);
    expect(report.duplicates).toBe(0);
    expect(handoffMs).toBeLessThan(1_000); // the KCL makes peers wait for the lease to expire (10 s)
  });
});
