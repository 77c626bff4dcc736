/**
 * `pnpm bench`, MongoDB part: mqkit's mongodb provider on the server at MONGODB_URL — batch
 * publish (jobs/s), processing of N pre-published no-op jobs (jobs/s), and publish→start latency
 * at 100 jobs/s (p50/p99). Without a reachable server it prints "skipped: no MongoDB" and why, and
 * exits 0. BENCH_MONGO_N (default 50000), BENCH_MONGO_REPS (default 3).
 */
import { createQueue, type Consumer, type Queue } from '@mqkit/core';
import { mongodb } from '@mqkit/mongodb';
import { MongoClient } from 'mongodb';
import { describeLoad, describeMachine } from '../machine.js';
import { measureLatency, measureProcessing, measurePublish, percentile } from '../postgres/measure.js';
import type { PgSystem } from '../postgres/system.js';
import { formatGrid, formatRate } from '../table.js';

const N = Number(process.env.BENCH_MONGO_N ?? 50_000);
const REPS = Number(process.env.BENCH_MONGO_REPS ?? 3);
const PUBLISH_BATCH = 1_000;
const QUEUE = 'bench';
const DATABASE = 'mqkit_bench';

/** mqkit on MongoDB in one consumer configuration (the measure functions take any such system). */
function mongoSystem(url: string, options: { batchSize: number; concurrency: number }): PgSystem {
  let client: MongoClient | undefined;
  let queue: Queue | undefined;
  let consumer: Consumer | undefined;
  return {
    name: 'mqkit (mongodb)',
    config: `batchSize ${options.batchSize} · concurrency ${options.concurrency}`,
    schema: DATABASE,
    async setup() {
      client = new MongoClient(url, { maxPoolSize: 10 });
      await client.db(DATABASE).dropDatabase();
      queue = await createQueue({ provider: mongodb({ db: client.db(DATABASE) }) });
    },
    async publish(n, batch) {
      for (let start = 0; start < n; start += batch) {
        const messages = [];
        for (let i = start; i < Math.min(n, start + batch); i++) messages.push({ payload: { seq: i } });
        await queue!.publish(QUEUE, messages);
      }
    },
    async publishOne(seq) {
      await queue!.publish(QUEUE, { payload: { seq, sentAt: Date.now() } });
    },
    async startWorkers(onJob) {
      consumer = queue!.consume(QUEUE, (messages) => {
        for (const m of messages) onJob(m.payload as { seq: number; sentAt?: number });
      }, options);
    },
    async stopWorkers() {
      await consumer?.stop({ timeoutMs: 5_000 });
    },
    async teardown() {
      await queue?.close({ timeoutMs: 5_000 });
      await client?.db(DATABASE).dropDatabase();
      await client?.close();
    },
  };
}

/** The server, or why there is none. */
async function reachable(url: string | undefined): Promise<string | undefined> {
  if (url === undefined || url === '') return 'MONGODB_URL is not set (no MongoDB on this machine)';
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 3_000 });
  try {
    await client.db('admin').command({ ping: 1 });
    return undefined;
  } catch (error) {
    return `MONGODB_URL did not answer (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const url = process.env.MONGODB_URL;
  const why = await reachable(url);
  if (why !== undefined) {
    console.log(`mongodb bench: skipped: no MongoDB — ${why}`);
    return;
  }
  console.log(`mongodb bench: ${describeMachine()}`);
  console.log(`N = ${N}, ${REPS} rounds, publish batches of ${PUBLISH_BATCH}; ${describeLoad()}`);
  const configs = [{ batchSize: 100, concurrency: 4 }, { batchSize: 1_000, concurrency: 4 }];
  const rows = new Map<string, { publish: number[]; process: number[]; latency?: { p50: number; p99: number } }>();
  for (let round = 1; round <= REPS; round++) {
    for (const config of configs) {
      const system = mongoSystem(url!, config);
      const row = rows.get(system.config) ?? { publish: [], process: [] };
      rows.set(system.config, row);
      await system.setup();
      try {
        row.publish.push(await measurePublish(system, N, PUBLISH_BATCH));
        row.process.push(await measureProcessing(system, N));
        if (round === REPS) row.latency = await measureLatency(system, 100, 5_000);
        console.log(`  round ${round}/${REPS}  ${system.config.padEnd(32)} publish ${formatRate(row.publish.at(-1)!)} jobs/s   process ${formatRate(row.process.at(-1)!)} jobs/s`);
      } finally {
        await system.teardown();
      }
    }
  }
  const median = (xs: number[]): number => percentile(xs, 50);
  console.log('');
  console.log(formatGrid(['system', 'config', 'publish jobs/s (median)', 'process jobs/s (median)', 'latency p50 / p99 @100/s'], [...rows].map(([config, r]) => [
    'mqkit (mongodb)',
    config,
    formatRate(median(r.publish)),
    formatRate(median(r.process)),
    r.latency ? `${r.latency.p50.toFixed(2)} / ${r.latency.p99.toFixed(2)} ms` : '—',
  ])));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
