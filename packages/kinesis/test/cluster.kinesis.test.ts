// On a Redis Cluster of the test's own: a stream's keys share one hash tag, so every script runs
// in one slot; two providers (processes) on Cluster clients share the shards and deliver
// everything once.
import { execFileSync } from 'node:child_process';
import { createQueue } from '@mqkit/core';
import { Deliveries, until } from '@mqkit/testkit';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesis, streamKeys } from '../src/index.js';
import { startKinesalite, type Kinesalite } from './support/kinesalite.js';
import { OwnCluster } from './support/redis-cluster.js';

function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version']);
    return true;
  } catch {
    return false;
  }
}

const available = hasRedisServer();
let server: Kinesalite;
let cluster: OwnCluster | undefined;
const clients: Cluster[] = [];
beforeAll(async () => {
  if (!available) return;
  server = await startKinesalite();
  cluster = await OwnCluster.start();
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await cluster?.stop();
  await server?.close();
});

describe.skipIf(!available)(available ? 'kinesis on a Redis Cluster' : 'kinesis on a Redis Cluster — skipped: no redis-server binary on PATH to start a cluster of the test\'s own', () => {
  it("a stream's keys share one slot, and two providers on Cluster clients share the shards and deliver every message once", async () => {
    const keys = Object.values<string>({ ...streamKeys('mqkit:kinesis:', 'app', 'orders') });
    const tags = new Set(keys.map((k) => /\{([^}]+)\}/.exec(k)?.[1]));
    expect([...tags]).toEqual(['app:orders']);
    const make = async () => {
      const client = cluster!.client();
      clients.push(client);
      // An ioredis Cluster fits RedisLike as it is.
      const provider = kinesis({ clientConfig: server.clientConfig(), redis: client, createStreams: { shardCount: 4 }, lease: { leaseMs: 1_000 }, read: { minIntervalMs: 10, idleDelayMs: 30 } });
      return { provider, queue: await createQueue({ provider }) };
    };
    const { provider, queue: a } = await make();
    const { queue: b } = await make();
    const name = `cluster-${process.pid}`;
    const seen = new Deliveries();
    a.consume(name, seen.processor(), { batchSize: 10 });
    b.consume(name, seen.processor(), { batchSize: 10 });
    const owners = async (): Promise<string> => {
      const counts = new Map<string, number>();
      for (const s of (await provider.status(name)).shards) if (s.owner !== '') counts.set(s.owner, (counts.get(s.owner) ?? 0) + 1);
      return [...counts.values()].sort().join();
    };
    await until(async () => (await owners()) === '2,2', 15_000, 'the two providers hold two shards each');
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(...(await a.publish(name, Array.from({ length: 20 }, (_, j) => ({ payload: i * 20 + j })))).ids);
    await until(() => seen.ids().size === ids.length, 15_000, () => `all delivered (${seen.ids().size})`);
    expect(seen.duplicates().size).toBe(0);
    expect(new Set(seen.all.map((d) => d.consumerId)).size).toBe(2);
    await Promise.all([a.close(), b.close()]);
  });
});
