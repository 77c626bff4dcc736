// Opening queues on the test database for one test file: each on its own client, closed after the test.
import { createQueue, type Queue, type QueueConfig } from '@mqkit/core';
import { afterEach } from 'vitest';
import { prisma, type PrismaOptions, type PrismaProvider } from '../../src/index.js';
import { DATABASE_URL, dropSchema, newClient } from './database.js';

const opened: Array<{ queue: Queue; client: ReturnType<typeof newClient> }> = [];
const schemas = new Set<string>();

afterEach(async () => {
  const all = opened.splice(0);
  await Promise.all(all.map(({ queue }) => queue.close({ timeoutMs: 500 })));
  await Promise.all(all.map(({ client }) => client.$disconnect()));
  for (const schema of schemas) await dropSchema(schema);
  schemas.clear();
});

/** A queue on a new provider (a new PrismaClient) on `schema`, closed (and the schema dropped) after the test. */
export async function open(schema: string, options: Partial<PrismaOptions> = {}, config: Omit<QueueConfig, 'provider'> = {}): Promise<{ queue: Queue; provider: PrismaProvider; client: ReturnType<typeof newClient> }> {
  const client = (options.client as ReturnType<typeof newClient> | undefined) ?? newClient();
  const provider = prisma({ client, schema, listen: DATABASE_URL, ...options });
  schemas.add(schema);
  const queue = await createQueue({ ...config, provider });
  opened.push({ queue, client });
  return { queue, provider, client };
}

export { thrownBy } from '@mqkit/testkit';
