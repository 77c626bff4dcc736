import { PgBoss } from 'pg-boss';
import { DATABASE_URL, resetSchema } from './pg-admin.js';
import type { PgSystem } from './system.js';

const QUEUE = 'bench';

/** pg-boss 12.35 in its best batched configuration (batch fetch, several local workers, burst on full batches). */
export function pgbossSystem(options: { batchSize: number; localConcurrency: number; pool: number }): PgSystem {
  const schema = 'bench_pgboss';
  let boss: PgBoss | undefined;
  return {
    name: 'pg-boss 12.35',
    config: `batchSize ${options.batchSize} · localConcurrency ${options.localConcurrency} · pool ${options.pool}`,
    schema,
    async setup() {
      await resetSchema(schema);
      boss = new PgBoss({ connectionString: DATABASE_URL, schema, max: options.pool });
      boss.on('error', () => undefined);
      await boss.start();
      await boss.createQueue(QUEUE, { notify: true });
    },
    async publish(n, batch) {
      for (let start = 0; start < n; start += batch) {
        const jobs = [];
        for (let i = start; i < Math.min(n, start + batch); i++) jobs.push({ data: { seq: i } });
        await boss!.insert(QUEUE, jobs);
      }
    },
    async publishOne(seq) {
      await boss!.send(QUEUE, { seq, sentAt: Date.now() });
    },
    async startWorkers(onJob) {
      await boss!.work<{ seq: number; sentAt?: number }>(
        QUEUE,
        { batchSize: options.batchSize, localConcurrency: options.localConcurrency, pollingIntervalSeconds: 0.5, burstWhenBatchFull: true } as never,
        async (jobs) => {
          for (const job of jobs) onJob(job.data);
        },
      );
    },
    async stopWorkers() {
      await boss!.offWork(QUEUE);
    },
    async teardown() {
      await boss?.stop({ graceful: false, wait: true } as never);
      await resetSchema(schema);
    },
  };
}
