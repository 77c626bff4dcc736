// Worker processes against kinesalite + Redis: a poison pill across restarts, an undecodable
// record, a failing record the checkpoint never passes, KPL-aggregated input.
import { PutRecordCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { checkDeliveries, readDeliveries, readEvents, until, suiteName } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { aggregate, envelopeCodec } from '../../src/index.js';
import { comparePositions } from '../../src/positions.js';
import { faultSuite, type FaultRun } from '../support/fault-run.js';
import { record } from '../support/figures.js';
import { redisReachable } from '../support/redis.js';
import { whereIs } from '../support/shard-contents.js';

const reachable = await redisReachable();
const LEASE_MS = 1_000;
const suite = faultSuite('records');
const fresh = (shards: number): Promise<FaultRun> => suite.fresh(shards);

describe.skipIf(!reachable.ok)(suiteName('kinesis records through worker processes', reachable), () => {
  it('a record that kills its worker every time is dead-lettered as a poison pill after maxAttempts deliveries, across restarts, and the shard moves on', async () => {
    const r = await fresh(1);
    await r.publish(1, 20);
    const killer = r.published[6]!.id;
    const env = { LEASE_MS, MAX_ATTEMPTS: 3, KILL_ON: killer, BATCH: 5 };
    for (let i = 1; i <= 3; i++) {
      const w = await r.start(`w${i}`, env);
      const exit = await w.exited; // it dies on the killer
      expect(exit.signal).toBe('SIGKILL');
    }
    await r.start('w4', env);
    await until(() => readEvents(r.dir).some((e) => e.type === 'poison-pill' && e.messageId === killer), 15_000, 'the poison pill is dead-lettered');
    const others = r.published.filter((p) => p.id !== killer);
    await until(() => checkDeliveries(others, readDeliveries(r.dir)).missing.length === 0, 10_000, 'the shard moves on: every other record is processed');
    const deliveries = readDeliveries(r.dir).filter((d) => d.id === killer);
    expect(deliveries.map((d) => d.attempt)).toEqual([1, 2, 3]);
    const page = await r.queue.deadLetters.list(r.stream);
    expect(page.items.map((l) => [l.message.id, l.reason, l.message.attempt])).toEqual([[killer, 'poison-pill', 3]]);
    const report = checkDeliveries(others, readDeliveries(r.dir), { ordered: true });
    expect(report.orderViolations).toEqual([]);
    record('kinesis', { fault: 'poison pill killing its worker 3 times (restarts)', sent: r.published.length, lost: report.missing.length, duplicates: report.duplicates, recoverMs: undefined });
  });

  it('an undecodable record is dead-lettered at once with its data, and the records around it are processed', async () => {
    const r = await fresh(1);
    await r.publish(1, 5);
    await r.client.send(new PutRecordCommand({ StreamName: r.stream, PartitionKey: 'k0', Data: Buffer.from('not an mqkit envelope') }));
    await r.publish(1, 5);
    await r.start('w', { LEASE_MS });
    await until(() => checkDeliveries(r.published, readDeliveries(r.dir)).missing.length === 0, 10_000, 'every envelope processed');
    await until(() => readEvents(r.dir).some((e) => e.type === 'message.dead-lettered' && e.reason === 'undecodable'), 5_000, 'dead-lettered');
    const page = await r.queue.deadLetters.list(r.stream);
    expect(page.items.length).toBe(1);
    expect(page.items[0]!.reason).toBe('undecodable');
    expect(Buffer.from(page.items[0]!.message.payload as string, 'base64').toString()).toBe('not an mqkit envelope');
    expect(page.items[0]!.message.attempt).toBe(1);
  });

  it('a record the processor keeps failing is never checkpointed past, also after a restart, which resumes at the checkpoint', async () => {
    const r = await fresh(1);
    await r.publish(1, 30);
    const failing = r.published[10]!.id;
    const env = { LEASE_MS, FAIL_ON: failing, MAX_ATTEMPTS: 1_000, RETRY_DELAY_MS: 30, BATCH: 15, CONCURRENCY: 1 };
    const a = await r.start('a', env);
    await until(() => readDeliveries(r.dir).filter((d) => d.id === failing).length >= 4, 10_000, 'the record failed a few times');
    const where = await whereIs(r.client, r.stream);
    const at = where.get(failing)!;
    const checkpoint = async (): Promise<string | undefined> => (await r.provider.status(r.stream)).shards[0]!.checkpoint;
    await a.stop(2_000);
    const stopped = await checkpoint();
    expect(stopped).toBeDefined();
    expect(comparePositions(stopped!, at.sequenceNumber)).toBeLessThan(0);
    await r.start('b', env);
    await until(() => readDeliveries(r.dir).filter((d) => d.id === failing && d.worker === 'b').length >= 2, 10_000, 'b retries it too');
    expect(comparePositions((await checkpoint())!, at.sequenceNumber)).toBeLessThan(0);
    const bSaw = readDeliveries(r.dir).filter((d) => d.worker === 'b');
    // b starts after the checkpoint a left: nothing a checkpointed is processed again.
    expect(bSaw.filter((d) => comparePositions(where.get(d.id)!.sequenceNumber, stopped!) <= 0)).toEqual([]);
    // The failing record's attempts go on counting across the restart.
    const attempts = readDeliveries(r.dir).filter((d) => d.id === failing).map((d) => d.attempt);
    expect(attempts).toEqual(attempts.map((_, i) => i + 1));
    const behind = r.published.slice(11).map((p) => p.id);
    expect(readDeliveries(r.dir).filter((d) => behind.includes(d.id))).toEqual([]); // head-of-line: nothing passes it
  });

  it('KPL-aggregated records are de-aggregated, checkpointed by sub-record, and a worker killed inside an aggregate resumes after its checkpoint', async () => {
    const r = await fresh(1);
    const now = Date.now();
    const entries = [];
    for (let agg = 0; agg < 20; agg++) {
      const subs = [];
      for (let k = 0; k < 5; k++) {
        const id = `agg${agg}-k${k}`;
        const message = { id, explicitId: false, queue: r.stream, type: 'default', payload: { key: `k${k}`, seq: agg }, createdAt: now, runAt: now, expiresAt: undefined, maxAttempts: undefined, partitionKey: `k${k}`, dedupeKey: undefined, headers: {} };
        subs.push({ partitionKey: `k${k}`, explicitHashKey: undefined, data: envelopeCodec.encode(message, 0) });
        r.published.push({ id, partitionKey: `k${k}`, seq: agg });
      }
      entries.push({ PartitionKey: `agg${agg}`, Data: aggregate(subs) });
    }
    await r.client.send(new PutRecordsCommand({ StreamName: r.stream, Records: entries }));
    const a = await r.start('a', { LEASE_MS, BATCH: 3, CONCURRENCY: 1 }, 20);
    await until(() => readDeliveries(r.dir).length >= 30, 10_000, 'a is inside the aggregates');
    await a.kill();
    const subCheckpoints = readEvents(r.dir).filter((e) => e.type === 'checkpoint' && e.sequenceNumber?.includes(':'));
    expect(subCheckpoints.length).toBeGreaterThan(0); // positions "seq:sub"
    await r.start('b', { LEASE_MS, BATCH: 3, CONCURRENCY: 1 });
    await until(() => checkDeliveries(r.published, readDeliveries(r.dir)).missing.length === 0, 15_000, 'every sub-record processed');
    const report = checkDeliveries(r.published, readDeliveries(r.dir), { ordered: true });
    expect(report.orderViolations).toEqual([]);
    expect(report.duplicates).toBeLessThanOrEqual(3); // at most the claim a was killed in
    record('kinesis', { fault: 'worker SIGKILLed inside KPL aggregates', sent: report.sent, lost: report.missing.length, duplicates: report.duplicates, recoverMs: undefined });
  });
});
