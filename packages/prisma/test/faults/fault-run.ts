// Shared set-up of the fault tests: a schema on a database, a publisher that survives a server
// restart (explicit ids make a retried publish safe: an id already stored is a DuplicateIdError),
// consumer worker processes, and the delivery oracle.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createQueue, type Queue } from '@mqkit/core';
import { DeliveryLogReader, WorkerProcess, checkDeliveries, publishSurely, type OracleReport, type PublishedRecord } from '@mqkit/testkit';
import { prisma } from '../../src/index.js';
import { newClient, sql } from '../support/database.js';

/** `node --import <tsx>` runs the TypeScript worker (it imports the generated Prisma client, which is TypeScript). */
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const entry = join(import.meta.dirname, 'consumer-worker.ts');

export interface FaultRun {
  readonly schema: string;
  readonly queueName: string;
  readonly logDir: string;
  readonly workers: WorkerProcess[];
  readonly published: PublishedRecord[];
  /** The test process's own queue on the database (for publishing and stats). */
  readonly queue: Queue;
  startWorker(name: string, env?: Record<string, string>, workMs?: number): Promise<WorkerProcess>;
  /** Publishes `n` messages (`keys` partition keys, seq per key), retrying batches that fail. */
  publish(n: number, options?: { keys?: number; batch?: number; onBatch?: (sent: number) => Promise<void> | void }): Promise<void>;
  report(ordered?: boolean): OracleReport;
  /**
   * Waits until every published message was processed at least once and none is left in the
   * database (not waiting, not leased, not dead-lettered): nothing lost. (An ack whose answer was
   * lost to a fault is applied without an ack record, so "acked" alone cannot say it.)
   */
  waitAllDelivered(timeoutMs: number): Promise<OracleReport>;
  close(): Promise<void>;
}

export async function faultRun(url: string, schema: string, queueName: string, workerUrl = url): Promise<FaultRun> {
  const logDir = mkdtempSync(join(tmpdir(), 'mqkit-faults-'));
  const client = newClient(url, 4);
  const queue = await createQueue({ provider: prisma({ client, schema, operationTimeoutMs: 5_000 }) });
  const workers: WorkerProcess[] = [];
  const published: PublishedRecord[] = [];
  const log = new DeliveryLogReader(logDir);
  const seqs = new Map<string, number>();
  const run: FaultRun = {
    schema,
    queueName,
    logDir,
    workers,
    published,
    queue,
    async startWorker(name, env = {}, workMs = 0) {
      const worker = await WorkerProcess.start(entry, {
        name,
        logDir,
        workMs,
        execArgv: ['--import', tsx],
        env: { DATABASE_URL: workerUrl, LISTEN_URL: workerUrl, MQKIT_SCHEMA: schema, MQKIT_QUEUE: queueName, ...env },
        readyTimeoutMs: 30_000,
      });
      workers.push(worker);
      return worker;
    },
    async publish(n, { keys = 10, batch = 200, onBatch } = {}) {
      // Ids and per-key sequences go on from earlier calls.
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
        await onBatch?.(Math.min(first + n, start + batch) - first);
      }
    },
    report: (ordered = false) => checkDeliveries(published, log.read(), { ordered }),
    async waitAllDelivered(timeoutMs) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const report = run.report();
        if (report.neverProcessed.length === 0 && (report.missing.length === 0 || (await left(url, schema)) === 0)) return report;
        if (Date.now() > end) {
          const output = workers.map((w) => `--- ${w.name}\n${w.output}`).join('\n');
          const rows = await diagnose(url, schema, report.missing.slice(0, 5));
          throw new Error(`${report.neverProcessed.length} of ${report.sent} never processed, ${report.missing.length} without an ack record (e.g. ${report.missing.slice(0, 5).join(', ')}), ${await left(url, schema)} left in the database\nrows: ${rows}\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    async close() {
      await Promise.all(workers.map((w) => w.kill()));
      await queue.close({ timeoutMs: 1_000 });
      await client.$disconnect();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
  return run;
}


/** What the table says of some messages (for a failure message). */
async function diagnose(url: string, schema: string, ids: readonly string[]): Promise<string> {
  try {
    const rows = await sql(
      `SELECT id, attempt, lease_token IS NOT NULL AS leased, lease_owner, round(extract(epoch FROM visible_at - now()) * 1000) AS visible_in_ms FROM ${schema}.messages WHERE id = ANY($1)`,
      [ids],
      url,
    );
    return JSON.stringify(rows);
  } catch (error) {
    return `(could not read: ${String(error)})`;
  }
}

/** Messages still in the database: waiting, leased or dead-lettered. */
async function left(url: string, schema: string): Promise<number> {
  try {
    const [row] = await sql<{ n: string }>(`SELECT (SELECT count(*) FROM ${schema}.messages) + (SELECT count(*) FROM ${schema}.dead_letters) AS n`, [], url);
    return Number(row?.n ?? 0);
  } catch {
    return -1;
  }
}
