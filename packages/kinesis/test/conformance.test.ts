import { runQueueConformance } from '@mqkit/testkit';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { kinesis, type KinesisOptions, type KinesisProvider } from '../src/index.js';
import { startKinesalite, type Kinesalite } from './support/kinesalite.js';
import { REDIS_URL, dropPrefix, redisReachable, uniquePrefix } from './support/redis.js';

const redis = await redisReachable();
let server: Kinesalite;
beforeAll(async () => {
  server = await startKinesalite();
});
afterAll(async () => server?.close());

/**
 * Un-keyed messages go to the four shards in turn (keys chosen to hash into each quarter), so a
 * case that holds one message while its neighbours must flow does not depend on where random keys
 * land: on one shard, records wait behind a held one — that is Kinesis order (see the README).
 */
const ROUND_ROBIN = ['rr3', 'rr1', 'rr15', 'rr0'];
let turn = 0;

/** Short leases and fast polling against the emulator: the suite's leases are 100–200 ms. */
function options(prefix: string): KinesisOptions {
  return {
    clientConfig: server.clientConfig(),
    redis: REDIS_URL,
    keyPrefix: prefix,
    createStreams: { shardCount: 4 },
    partitionKey: () => ROUND_ROBIN[turn++ % ROUND_ROBIN.length],
    lease: { leaseMs: 1_000, renewIntervalMs: 250, assignIntervalMs: 300 },
    read: { minIntervalMs: 10, idleDelayMs: 40 },
  };
}

const probe = kinesis({ redis: REDIS_URL, clientConfig: { region: 'us-east-1' } }); // never opened: read for its capabilities

if (redis.ok) {
  runQueueConformance(
    { describe, it },
    {
      name: 'kinesis (kinesalite + Redis)',
      capabilities: probe.capabilities,
      capabilityNotes: probe.capabilityNotes,
      canCrash: true,
      async setup() {
        const prefix = uniquePrefix('conf'); // one world = one key prefix; each provider a "process" with its own Redis connection
        return {
          createProvider: () => kinesis(options(prefix)),
          crash: async (provider) => (provider as KinesisProvider).simulateCrash(),
          teardown: () => dropPrefix(prefix),
        };
      },
    },
    // Every call is HTTP to kinesalite plus Redis round trips, on a machine shared with other test
    // runs: the suite's leases (100–200 ms) doubled, so a busy event loop does not end them.
    { repeat: Number(process.env.MQKIT_STRESS ?? 1), timeScale: 2 },
  );
} else {
  describe('mqkit conformance: kinesis (kinesalite + Redis)', () => {
    it.skip(`— skipped: ${redis.reason}`, () => undefined);
  });
}
