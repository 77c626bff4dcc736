// A consumer process for the fault tests (run with tsx): the built @mqkit/mongodb on a MongoClient
// of its own, consuming one queue and logging every message it processes (testkit's
// runFaultWorker). Configured by environment (see fault-run.ts).
import { createQueue, retry } from '@mqkit/core';
import { mongodb } from '@mqkit/mongodb';
import { runFaultWorker } from '@mqkit/testkit';
import { MongoClient } from 'mongodb';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`consumer-worker needs ${name}`);
  return value;
};

const client = new MongoClient(env('MONGODB_URL'), { maxPoolSize: 4, serverSelectionTimeoutMS: 5_000 });
const failOnAttempt = Number(env('FAIL_ON_ATTEMPT', '0'));

await runFaultWorker({
  open: () =>
    createQueue({
      provider: mongodb({ db: client.db(env('MQKIT_DB')), operationTimeoutMs: 10_000, pollIntervalMs: 200 }),
      logger: { debug: () => undefined, info: () => undefined, warn: (m) => console.error(`[warn] ${m}`), error: (m) => console.error(`[error] ${m}`) },
    }),
  queue: env('MQKIT_QUEUE'),
  consume: {
    concurrency: Number(env('CONCURRENCY', '2')),
    batchSize: Number(env('BATCH_SIZE', '20')),
    leaseMs: Number(env('LEASE_MS', '2000')),
    timeoutMs: Number(env('TIMEOUT_MS', '60000')),
    retry: { backoff: 'fixed', delayMs: 50, jitter: 0, maxAttempts: 50 },
  },
  process: failOnAttempt > 0 ? (m) => {
    if (m.attempt === failOnAttempt) throw retry(new Error('fails on this attempt, on purpose')).error;
  } : undefined,
});
