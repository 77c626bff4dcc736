// Consumers as real processes on the shared test database: several share a queue without double
// delivery inside the lease; one SIGKILLed mid-batch loses nothing; one frozen with SIGSTOP past
// its lease cannot ack when it wakes.
import { afterEach, describe, expect, it } from 'vitest';
import { readDeliveries, until, suiteName } from '@mqkit/testkit';
import { DATABASE_URL, dropSchema, reachable, sql, uniqueSchema } from '../support/database.js';
import { faultRun, type FaultRun } from './fault-run.js';

const db = await reachable();
const runs: FaultRun[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) {
    await run.close();
    await dropSchema(run.schema);
  }
});

async function start(): Promise<FaultRun> {
  const run = await faultRun(DATABASE_URL, uniqueSchema('faults'), 'jobs');
  runs.push(run);
  return run;
}

describe.skipIf(!db.ok)(suiteName('consumer processes on Postgres', db), () => {
  it('three consumer processes share 3,000 messages: each processed exactly once when nothing fails', { timeout: 120_000 }, async () => {
    const run = await start();
    await Promise.all(['a', 'b', 'c'].map((name) => run.startWorker(name, { BATCH_SIZE: '25', CONCURRENCY: '2', LEASE_MS: '10000' })));
    await run.publish(3_000, { batch: 500 });
    const report = await run.waitAllDelivered(60_000);
    expect(report.duplicates, `duplicates: ${report.duplicateIds.slice(0, 5).join(', ')}`).toBe(0);
    expect(report.unknown).toEqual([]);
    const byWorker = new Map<string, number>();
    for (const d of readDeliveries(run.logDir).filter((r) => r.acked !== true)) byWorker.set(d.worker, (byWorker.get(d.worker) ?? 0) + 1);
    expect([...byWorker.keys()].sort(), 'every process took part').toEqual(['a', 'b', 'c']);
    await until(async () => (await run.queue.stats('jobs')).ready === 0 && (await run.queue.stats('jobs')).inFlight === 0, 10_000, 'the hot table drains');
    const rows = await sql<{ n: string }>(`SELECT count(*) AS n FROM ${run.schema}.messages`);
    expect(Number(rows[0]?.n), 'acked rows left the hot table').toBe(0);
  });

  it('a consumer SIGKILLed mid-batch loses nothing: its batches are delivered again after the lease', { timeout: 120_000 }, async () => {
    const run = await start();
    const victim = await run.startWorker('victim', { BATCH_SIZE: '20', CONCURRENCY: '2', LEASE_MS: '1500' }, 60_000);
    await run.publish(400, { batch: 100 });
    await until(() => run.report().delivered >= 20, 20_000, 'the victim holds batches');
    const held = run.report().delivered;
    const exit = await victim.kill('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    const killedAt = Date.now();
    await run.startWorker('survivor', { BATCH_SIZE: '20', CONCURRENCY: '2', LEASE_MS: '1500' });
    const report = await run.waitAllDelivered(60_000);
    expect(report.neverProcessed).toEqual([]);
    expect(report.duplicates, 'what the victim held is processed again').toBeGreaterThanOrEqual(held);
    const again = readDeliveries(run.logDir).filter((d) => d.worker === 'survivor' && d.attempt === 2 && d.acked !== true);
    expect(again.length, 'the survivor got the abandoned ones as attempt 2').toBeGreaterThanOrEqual(held);
    expect(Math.min(...again.map((d) => d.at)) - killedAt, 'not before their lease ran out').toBeGreaterThanOrEqual(0);
  });

  it('a consumer frozen with SIGSTOP past its lease cannot ack when it wakes: another took the message, and its stale ack changes nothing', { timeout: 120_000 }, async () => {
    const run = await start();
    // The frozen one takes the message and works on it for 10 s; the other fails it once on its
    // 2nd delivery, so the message is still in the table (attempt 2, retrying) when the frozen one wakes.
    const frozen = await run.startWorker('frozen', { BATCH_SIZE: '1', CONCURRENCY: '1', LEASE_MS: '1000' }, 2_000);
    await run.publish(1, { batch: 1 });
    await until(() => run.report().delivered === 1, 20_000, 'the first process holds the message');
    expect(run.report().acked).toBe(0);
    frozen.freeze();
    await run.startWorker('other', { BATCH_SIZE: '1', CONCURRENCY: '1', LEASE_MS: '1000', FAIL_ON_ATTEMPT: '2' });
    await until(async () => (await sql<{ attempt: number }>(`SELECT attempt FROM ${run.schema}.messages`))[0]?.attempt === 2, 20_000, 'the other process took it (attempt 2) and failed it');
    frozen.thaw(); // its processor finishes its 2 s of work and it would ack attempt 1
    await until(() => readDeliveries(run.logDir).some((d) => d.worker === 'other' && d.attempt === 3 && d.acked !== true), 20_000, 'the message comes back to the other process as attempt 3: the stale ack did not delete it');
    await until(async () => (await sql(`SELECT 1 FROM ${run.schema}.messages`)).length === 0, 20_000, 'then it is acked for good');
    const acks = readDeliveries(run.logDir).filter((d) => d.acked === true);
    expect(acks.map((d) => [d.worker, d.attempt]), 'the only ack applied is the other process\'s attempt 3').toEqual([['other', 3]]);
  });
});
