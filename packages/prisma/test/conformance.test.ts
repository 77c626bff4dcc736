import { runQueueConformance } from '@mqkit/testkit';
import { describe, it } from 'vitest';
import { prisma, type PrismaProvider } from '../src/index.js';
import { DATABASE_URL, dropSchema, newClient, reachable, uniqueSchema } from './support/database.js';

const db = await reachable();
const probe = prisma({ client: newClient() });

if (db.ok) {
  runQueueConformance(
    { describe, it },
    {
      name: 'prisma (Postgres)',
      capabilities: probe.capabilities,
      capabilityNotes: probe.capabilityNotes,
      canCrash: true,
      async setup() {
        const schema = uniqueSchema('conf'); // one world = one schema; each provider a "process" with its own client
        const clients: Array<ReturnType<typeof newClient>> = [];
        return {
          createProvider: (options) => {
            const client = newClient();
            clients.push(client);
            return prisma({ client, schema, listen: DATABASE_URL, dedupeWindowMs: options?.dedupeWindowMs });
          },
          crash: async (provider) => (provider as PrismaProvider).simulateCrash(),
          teardown: async () => {
            await Promise.all(clients.map((c) => c.$disconnect()));
            await dropSchema(schema);
          },
        };
      },
    },
    // A database round trip per call: leases and delays of the suite doubled, for margin on a loaded machine.
    { repeat: Number(process.env.MQKIT_STRESS ?? 1), timeScale: 2 },
  );
} else {
  describe('mqkit conformance: prisma (Postgres)', () => {
    it.skip(`— skipped: ${db.reason}`, () => undefined);
  });
}
