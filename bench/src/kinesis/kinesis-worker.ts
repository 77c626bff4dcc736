// A bench worker process: consumes QUEUE with @mqkit/kinesis, logs its lease events (testkit's
// runFaultWorker). Lease length from LEASE_MS; every other option at its default.
import { createQueue } from '@mqkit/core';
import { kinesis } from '@mqkit/kinesis';
import { runFaultWorker } from '@mqkit/testkit';
import { clientConfig } from './emulators.js';

const env = process.env;
const leaseMs = Number(env.LEASE_MS ?? 6_000);

await runFaultWorker({
  queue: env.QUEUE!,
  open: () =>
    createQueue({
      provider: kinesis({ clientConfig: clientConfig(env.KINESIS_ENDPOINT!), redis: env.REDIS_URL!, keyPrefix: env.PREFIX, workerId: env.MQKIT_FAULT_NAME, lease: { leaseMs } }),
      logger: { debug() {}, info() {}, warn() {}, error: (...a: unknown[]) => console.error(...a) },
    }),
});
