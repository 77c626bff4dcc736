import { createQueue, type Consumer, type Queue } from '@mqkit/core';
import { prisma } from '@mqkit/prisma';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client.js';
import { DATABASE_URL, resetSchema } from './pg-admin.js';
import type { PgSystem } from './system.js';

const QUEUE = 'bench';

/** mqkit's prisma provider through a PrismaClient (adapter-pg), its best batched configuration. */
export function mqkitSystem(options: { batchSize: number; concurrency: number; pool: number }): PgSystem {
  const schema = 'bench_mqkit';
  let client: PrismaClient | undefined;
  let queue: Queue | undefined;
  let consumer: Consumer | undefined;
  const open = async (): Promise<Queue> => {
    client = new PrismaClient({ adapter: new PrismaPg({ connectionString: DATABASE_URL, max: options.pool }) });
    return createQueue({ provider: prisma({ client, schema, listen: DATABASE_URL, notifyDebounceMs: 5 }) });
  };
  return {
    name: 'mqkit (prisma)',
    config: `batchSize ${options.batchSize} · concurrency ${options.concurrency} · pool ${options.pool}`,
    schema,
    async setup() {
      await resetSchema(schema);
      queue = await open();
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
      consumer = queue!.consume(
        QUEUE,
        (messages) => {
          for (const m of messages) onJob(m.payload as { seq: number; sentAt?: number });
        },
        { batchSize: options.batchSize, concurrency: options.concurrency },
      );
    },
    async stopWorkers() {
      await consumer?.stop({ timeoutMs: 5_000 });
    },
    async teardown() {
      await queue?.close({ timeoutMs: 5_000 });
      await client?.$disconnect();
      await resetSchema(schema);
    },
  };
}
