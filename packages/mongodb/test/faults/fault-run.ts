// Shared set-up of the fault tests: a database, a publisher that retries batches (explicit ids
// make a retried publish safe: an id already stored is a DuplicateIdError), consumer worker
// processes, and the delivery oracle.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createQueue, type Queue } from '@mqkit/core';
import { WorkerProcess, checkDeliveries, publishSurely, readDeliveries, type OracleReport, type PublishedRecord } from '@mqkit/testkit';
import type { MongoClient } from 'mongodb';
import { mongodb } from '../../src/index.js';
import { dropDatabase, newClient } from '../support/server.js';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const entry = join(import.meta.dirname, 'consumer-worker.ts');

export interface FaultRun {
  readonly database: string;
  readonly logDir: string;
  readonly queue: Queue;
  readonly client: MongoClient;
  startWorker(name: string, env?: Record<string, string>, workMs?: number): Promise<WorkerProcess>;
  /** Publishes `n` messages (`keys` partition keys, seq per key), retrying batches that fail. */
  publish(n: number, options?: { keys?: number; batch?: number }): Promise<void>;
  report(ordered?: boolean): OracleReport;
  /** Waits until every message was processed at least once and none is left in the database (waiting, leased or dead-lettered). */
  waitAllDelivered(timeoutMs: number): Promise<OracleReport>;
  /** Messages (not tombstones) and dead letters left. */
  left(): Promise<number>;
  close(): Promise<void>;
}

export async function faultRun(url: string, database: string, queueName: string): Promise<FaultRun> {
  const logDir = mkdtempSync(join(tmpdir(), 'mqkit-mongo-faults-'));
  const client = newClient(url, 4);
  const queue = await createQueue({ provider: mongodb({ db: client.db(database), operationTimeoutMs: 10_000 }) });
  const workers: WorkerProcess[] = [];
  const published: PublishedRecord[] = [];
  const seqs = new Map<string, number>();
  const db = client.db(database);
  const run: FaultRun = {
    database,
    logDir,
    queue,
    client,
    async startWorker(name, env = {}, workMs = 0) {
      const worker = await WorkerProcess.start(entry, {
        name,
        logDir,
        workMs,
        execArgv: ['--import', tsx],
        env: { MONGODB_URL: url, MQKIT_DB: database, MQKIT_QUEUE: queueName, ...env },
        readyTimeoutMs: 30_000,
      });
      workers.push(worker);
      return worker;
    },
    async publish(n, { keys = 10, batch = 200 } = {}) {
      const first = published.length;
      for (let start = first; start < first + n; start += batch) {
        const messages = [];
        for (let i = start; i < Math.min(first + n, start + batch); i++) {
          const key = `k${i % keys}`;
          const seq = seqs.get(key) ?? 0;
          seqs.set(key, seq + 1);
          messages.push({ id: `m-${i}`, payload: { seq }, partitionKey: key });
          published.push({ id: `m-${i}`, partitionKey: key, seq });
        }
        await publishSurely(queue, queueName, messages);
      }
    },
    report: (ordered = false) => checkDeliveries(published, readDeliveries(logDir), { ordered }),
    left: async () => (await db.collection('mqkit_messages').countDocuments({ tomb: { $ne: true } })) + (await db.collection('mqkit_dead_letters').countDocuments()),
    async waitAllDelivered(timeoutMs) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const report = run.report();
        if (report.neverProcessed.length === 0 && (report.missing.length === 0 || (await run.left()) === 0)) return report;
        if (Date.now() > end) {
          const output = workers.map((w) => `--- ${w.name}\n${w.output}`).join('\n');
          throw new Error(`${report.neverProcessed.length} of ${report.sent} never processed, ${report.missing.length} without an ack record, ${await run.left()} left in the database\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      await Promise.all(workers.map((w) => w.kill()));
      await queue.close({ timeoutMs: 1_000 });
      await client.close();
      await dropDatabase(url, database);
      rmSync(logDir, { recursive: true, force: true });
    },
  };
  return run;
}
