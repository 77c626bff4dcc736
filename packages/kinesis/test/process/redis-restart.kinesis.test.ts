// A Redis of the test's own killed (SIGKILL) and started again while worker processes consume:
// heartbeats and settles fail meanwhile (reported, retried), nothing is lost, order per key kept.
import { checkDeliveries, readDeliveries, readEvents, until } from '@mqkit/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { faultSuite } from '../support/fault-run.js';
import { record } from '../support/figures.js';
import { OwnRedis } from '../support/redis-server.js';

const suite = faultSuite('redis-restart');
let redis: OwnRedis | undefined;
afterEach(async () => {
  await redis?.stop();
  redis = undefined;
});

describe('kinesis while its Redis restarts', () => {
  it.each([
    ['with its append-only file', true],
    ['without persistence: leases, checkpoints and counts are gone, so records are read again', false],
  ])('a Redis killed and restarted mid-run (%s): workers report the failures, recover, and nothing is lost', async (_what, persistent) => {
    redis = await OwnRedis.start(persistent);
    const r = await suite.fresh(4, redis.url);
    await r.start('a', { LEASE_MS: 3_000, BATCH: 5, SYNC_MS: 500 }, 5);
    await r.start('b', { LEASE_MS: 3_000, BATCH: 5, SYNC_MS: 500 }, 5);
    await r.publish(8, 60);
    await until(() => readDeliveries(r.dir).length > 100, 15_000, 'consumption under way');
    await redis.kill();
    const downAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 700)); // the outage itself
    await redis.up();
    const upAt = Date.now();
    await until(() => checkDeliveries(r.published, readDeliveries(r.dir)).missing.length === 0, 30_000, () => `all delivered (missing ${checkDeliveries(r.published, readDeliveries(r.dir)).missing.length})`);
    const resumed = readDeliveries(r.dir).filter((d) => d.at > upAt).map((d) => d.at);
    const failures = readEvents(r.dir).filter((e) => e.at >= downAt && (e.type === 'heartbeat.failed' || e.type === 'consumer.error'));
    expect(failures.length).toBeGreaterThan(0); // reported, not silent
    const report = checkDeliveries(r.published, readDeliveries(r.dir), { ordered: true });
    record('kinesis', { fault: `Redis SIGKILLed for 0.7 s and restarted (${persistent ? 'AOF' : 'no persistence'})`, sent: report.sent, lost: report.missing.length, duplicates: report.duplicates, recoverMs: resumed.length > 0 ? Math.min(...resumed) - upAt : undefined });
    expect(report.missing).toEqual([]);
    expect(report.orderViolations).toEqual([]);
  });
});
