// A worker process for the fault tests: consumes QUEUE through the built @mqkit/kinesis (the
// package as users get it), logging every delivery and its lease/checkpoint events (testkit's
// runFaultWorker). Settings come from the environment the test gives it.
import { createQueue } from '@mqkit/core';
import { kinesis } from '@mqkit/kinesis';
import { runFaultWorker } from '@mqkit/testkit';
import { NodeHttpHandler } from '@smithy/node-http-handler';

const env = process.env;
const num = (name, fallback) => (env[name] === undefined || env[name] === '' ? fallback : Number(env[name]));
const leaseMs = num('LEASE_MS', 1_500);

await runFaultWorker({
  queue: env.QUEUE,
  open: () =>
    createQueue({
      provider: kinesis({
        clientConfig: {
          endpoint: env.KINESIS_ENDPOINT,
          region: 'us-east-1',
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
          requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 10_000 }),
        },
        redis: env.REDIS_URL,
        keyPrefix: env.PREFIX,
        workerId: env.MQKIT_FAULT_NAME,
        lease: { leaseMs, renewIntervalMs: Math.round(leaseMs / 3), assignIntervalMs: num('ASSIGN_MS', Math.round(leaseMs / 2)) },
        read: { minIntervalMs: num('MIN_INTERVAL_MS', 20), idleDelayMs: num('IDLE_MS', 50), shardSyncIntervalMs: num('SYNC_MS', 1_000) },
      }),
      logger: { debug() {}, info() {}, warn() {}, error: (...a) => console.error(...a) },
    }),
  consume: {
    batchSize: num('BATCH', 10),
    concurrency: num('CONCURRENCY', 4),
    leaseMs: num('CLAIM_LEASE_MS', 3_000),
    retry: { backoff: 'fixed', delayMs: num('RETRY_DELAY_MS', 20), jitter: 0, maxAttempts: num('MAX_ATTEMPTS', 5) },
  },
  process: (message) => {
    // A record that kills its consumer every time (a poison pill): die on the spot.
    if (env.KILL_ON !== undefined && message.id === env.KILL_ON) process.kill(process.pid, 'SIGKILL');
    // A record the processor always fails.
    if (env.FAIL_ON !== undefined && message.id === env.FAIL_ON) throw new Error(`always fails: ${message.id}`);
  },
});
