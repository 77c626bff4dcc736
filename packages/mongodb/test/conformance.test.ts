// The testkit conformance suite against a real MongoDB (MONGODB_URL, or testcontainers when a
// Docker engine answers). Without one, every case registers as skipped with the reason.
import { runQueueConformance, type ItLike, type TestFn } from '@mqkit/testkit';
import { MongoClient, type MongoClient as Client } from 'mongodb';
import { describe, it } from 'vitest';
import { mongodb, type MongoProvider } from '../src/index.js';
import { dropDatabase, newClient, reachable, uniqueDatabase } from './support/server.js';

const server = await reachable();
const probe = mongodb({ db: new MongoClient('mongodb://127.0.0.1:1').db('probe') }); // never opened: read only for its capabilities

/** The runner's `it`, registering every case as skipped with `reason` in its name. */
function skipping(reason: string): ItLike {
  return Object.assign((name: string, fn: TestFn) => it.skip(`${name} — skipped: ${reason}`, fn), { skip: (name: string, fn: TestFn) => it.skip(name, fn) });
}

runQueueConformance(
  { describe, it: server.ok ? it : skipping(server.reason) },
  {
    name: server.ok ? `mongodb (${server.replicaSet ? 'replica set, change streams' : 'standalone, polling'})` : 'mongodb',
    capabilities: probe.capabilities,
    capabilityNotes: probe.capabilityNotes,
    canCrash: true,
    async setup() {
      if (!server.ok) throw new Error(server.reason);
      const { url } = server;
      const database = uniqueDatabase('conf'); // one world = one database; each provider a "process" with its own client
      const clients: Client[] = [];
      return {
        createProvider: (options) => {
          const client = newClient(url);
          clients.push(client);
          return mongodb({ db: client.db(database), dedupeWindowMs: options?.dedupeWindowMs });
        },
        crash: async (provider) => (provider as MongoProvider).simulateCrash(),
        teardown: async () => {
          await Promise.all(clients.map((c) => c.close()));
          await dropDatabase(url, database);
        },
      };
    },
  },
  // A round trip or three per call: leases and delays of the suite doubled, for margin on a loaded machine.
  { repeat: Number(process.env.MQKIT_STRESS ?? 1), timeScale: 2 },
);
