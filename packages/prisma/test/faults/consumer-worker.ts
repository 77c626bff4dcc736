// A consumer process for the fault tests (run with tsx): the built @mqkit/prisma on its own
// PrismaClient, consuming one queue and logging every message it processes (testkit's
// runFaultWorker). Configured by environment (see fault-run.ts).
import { createQueue, retry } from '@mqkit/core';
import { prisma } from '@mqkit/prisma';
import { runFaultWorker } from '@mqkit/testkit';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/client.js';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`consumer-worker needs ${name}`);
  return value;
};

const url = env('DATABASE_URL');
const queryTimeout = Number(env('QUERY_TIMEOUT_MS', '5000'));
// query_timeout: a query on a half-open connection fails and pg drops that connection from the pool.
const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 4, query_timeout: queryTimeout, connectionTimeoutMillis: 3_000 }) });
const failOnAttempt = Number(env('FAIL_ON_ATTEMPT', '0'));

await runFaultWorker({
  open: () =>
    createQueue({
      provider: prisma({ client, schema: env('MQKIT_SCHEMA'), listen: env('LISTEN_URL', url), operationTimeoutMs: queryTimeout * 2, pollIntervalMs: 200 }),
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
