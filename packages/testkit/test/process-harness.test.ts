import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOGGED_EVENTS, WorkerProcess, appendDelivery, appendEvent, checkDeliveries, deliveryLogFile, eventLogFile, readDeliveries, readEvents, until, type DeliveryRecord } from '../src/index.js';

const entry = join(import.meta.dirname, 'fixtures', 'counting-worker.mjs');
const dirs: string[] = [];
const workers: WorkerProcess[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function logDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mqkit-harness-'));
  dirs.push(dir);
  return dir;
}
const record = (over: Partial<DeliveryRecord>): DeliveryRecord => ({ worker: 'w', id: 'm0', partitionKey: 'k', seq: 0, attempt: 1, at: 0, ...over });

describe('WorkerProcess and runFaultWorker', () => {
  it('start a worker that logs every message it processes, and stops it gracefully over IPC', async () => {
    const dir = logDir();
    const worker = await WorkerProcess.start(entry, { name: 'a', logDir: dir, env: { MESSAGES: '5' } });
    workers.push(worker);
    await until(() => readDeliveries(dir).filter((d) => d.acked).length === 5, 10_000, 'five processed and acked');
    expect(readDeliveries(dir).filter((d) => !d.acked).map((d) => d.seq)).toEqual([0, 1, 2, 3, 4]);
    expect((await worker.stop(1_000)).code).toBe(0);
  });

  it('a SIGKILL leaves the log of what was processed, and a frozen worker processes nothing until thawed', async () => {
    const dir = logDir();
    const worker = await WorkerProcess.start(entry, { name: 'b', logDir: dir, env: { MESSAGES: '1000000' }, workMs: 5 });
    workers.push(worker);
    await until(() => readDeliveries(dir).length >= 3, 10_000, 'some logged');
    worker.freeze();
    await new Promise((r) => setTimeout(r, 50));
    const frozen = readDeliveries(dir).length;
    await new Promise((r) => setTimeout(r, 100)); // prove a negative: a stopped process logs nothing
    expect(readDeliveries(dir).length).toBe(frozen);
    worker.thaw();
    await until(() => readDeliveries(dir).length > frozen, 10_000, 'it goes on after SIGCONT');
    const exit = await worker.kill();
    expect(exit.signal).toBe('SIGKILL');
    expect(readDeliveries(dir).length).toBeGreaterThan(frozen);
  });

  it('reports a worker that fails to start with its output', async () => {
    await expect(WorkerProcess.start(join(import.meta.dirname, 'fixtures', 'no-such-worker.mjs'), { name: 'c', logDir: logDir(), readyTimeoutMs: 5_000 })).rejects.toThrow(/exited|not ready/);
  });
});

describe('the delivery log', () => {
  it('keeps records across workers and skips a torn last line', () => {
    const dir = logDir();
    appendDelivery(deliveryLogFile(dir, 'x'), record({ id: 'm1' }));
    appendDelivery(deliveryLogFile(dir, 'y'), record({ id: 'm2', worker: 'y' }));
    appendDelivery(deliveryLogFile(dir, 'y'), record({ id: 'm3', worker: 'y' }));
    appendFileSync(deliveryLogFile(dir, 'y'), '{"worker":"y","id":"m4"');
    expect(readDeliveries(dir).map((d) => d.id).sort()).toEqual(['m1', 'm2', 'm3']);
  });
});

describe('checkDeliveries (the oracle)', () => {
  const published = [0, 1, 2, 3].map((seq) => ({ id: `m${seq}`, partitionKey: 'k', seq }));

  it('finds what was never acked, counts duplicate processings and processings nobody published', () => {
    const report = checkDeliveries(published, [
      record({ id: 'm0' }),
      record({ id: 'm0', acked: true }),
      record({ id: 'm1', seq: 1 }),
      record({ id: 'm1', seq: 1 }),
      record({ id: 'm1', seq: 1, acked: true }),
      record({ id: 'm2', seq: 2 }), // processed, never acked (its process died)
      record({ id: 'zz', seq: 9 }),
    ]);
    expect(report).toMatchObject({ sent: 4, delivered: 3, acked: 2, missing: ['m2', 'm3'], duplicates: 1, duplicateIds: ['m1'], unknown: ['zz'] });
  });

  it('accepts a redelivery that goes back in a key, and flags a message processed after a later one it never preceded', () => {
    const inOrder = [0, 1, 0, 1, 2, 3].map((seq, i) => record({ id: `m${seq}`, seq, at: i }));
    expect(checkDeliveries(published, inOrder, { ordered: true }).orderViolations).toEqual([]);
    const skipped = [0, 2, 1, 3].map((seq, i) => record({ id: `m${seq}`, seq, at: i }));
    expect(checkDeliveries(published, skipped, { ordered: true }).orderViolations).toEqual([{ partitionKey: 'k', before: 2, after: 1, worker: 'w' }]);
  });
});

describe('the event log', () => {
  it('keeps the lease and checkpoint events a worker wrote, sorted by time, and skips a torn line', () => {
    const dir = logDir();
    const file = eventLogFile(dir, 'w');
    appendEvent(file, 'w', { type: 'lease.acquired', queue: 'q', kind: 'shard', resource: 's1', owner: 'w', token: 's1:1', at: 1 });
    appendEvent(file, 'w', { type: 'checkpoint', queue: 'q', shardId: 's1', sequenceNumber: '42', consumerId: 'w', at: 2 });
    appendFileSync(file, '{"worker":"w","ty');
    expect(readEvents(dir).map((e) => [e.type, e.resource ?? e.sequenceNumber])).toEqual([
      ['lease.acquired', 's1'],
      ['checkpoint', '42'],
    ]);
    expect(LOGGED_EVENTS.has('message.processed')).toBe(false);
  });
});
