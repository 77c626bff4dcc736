import { Logger, makeWorkerUtils, run, type Runner, type WorkerUtils } from 'graphile-worker';

const quiet = new Logger(() => () => undefined);
import { DATABASE_URL, resetSchema } from './pg-admin.js';
import type { PgSystem } from './system.js';

const TASK = 'bench';

/** graphile-worker 0.18 in its best configuration (high concurrency, a local queue, batched completion). */
export function graphileSystem(options: { concurrency: number; localQueue: number; pool: number }): PgSystem {
  const schema = 'bench_graphile';
  let utils: WorkerUtils | undefined;
  let runner: Runner | undefined;
  return {
    name: 'graphile-worker 0.18',
    config: `concurrency ${options.concurrency} · localQueue ${options.localQueue} · pool ${options.pool}`,
    schema,
    async setup() {
      await resetSchema(schema);
      utils = await makeWorkerUtils({ connectionString: DATABASE_URL, schema, logger: quiet });
      await utils.migrate();
    },
    async publish(n, batch) {
      for (let start = 0; start < n; start += batch) {
        const jobs = [];
        for (let i = start; i < Math.min(n, start + batch); i++) jobs.push({ identifier: TASK, payload: { seq: i } });
        await utils!.addJobs(jobs);
      }
    },
    async publishOne(seq) {
      await utils!.addJob(TASK, { seq, sentAt: Date.now() });
    },
    async startWorkers(onJob) {
      runner = await run({
        noHandleSignals: true,
        taskList: { [TASK]: async (payload: unknown) => void onJob(payload as { seq: number; sentAt?: number }) },
        preset: {
          worker: {
            connectionString: DATABASE_URL,
            schema,
            concurrentJobs: options.concurrency,
            maxPoolSize: options.pool,
            localQueue: { size: options.localQueue },
            completeJobBatchDelay: 0,
            pollInterval: 2_000,
          },
        },
        logger: quiet,
      });
    },
    async stopWorkers() {
      await runner?.stop();
      runner = undefined;
    },
    async teardown() {
      await runner?.stop();
      await utils?.release();
      await resetSchema(schema);
    },
  };
}
