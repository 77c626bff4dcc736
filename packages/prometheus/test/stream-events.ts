import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Lifecycle } from '@mqkit/core';
import { Registry } from 'prom-client';
import { prometheusMetrics } from '../src/index.js';
import { message } from './support.js';

/**
 * What a Kinesis worker with Redis coordination raises, emitted on a core Lifecycle by a timer
 * (the Kinesis provider is being built elsewhere): shard leases taken, stolen and lost, lag per
 * shard, throttling, checkpoints, rebalances, poison pills, heartbeat failures. Served on
 * /metrics like a real worker, so the dashboard's stream panels have a target to read.
 */
export async function startStreamEvents(): Promise<{ address: string; stop(): Promise<void> }> {
  const registry = new Registry();
  const metrics = prometheusMetrics({ system: 'kinesis', registry, queues: ['clicks'] });
  const lifecycle = new Lifecycle();
  lifecycle.add(metrics);
  const shards = ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003'];
  const lease = (resource: string) => ({ queue: 'clicks', kind: 'shard' as const, resource, owner: 'worker-1', token: 'e1', at: Date.now() });
  let tick = 0;
  for (const s of shards) lifecycle.emit('lease.acquired', lease(s));
  const timer = setInterval(() => {
    tick++;
    const at = Date.now();
    for (const [i, s] of shards.entries()) {
      lifecycle.emit('lag', { queue: 'clicks', shardId: s, ms: 500 * (i + 1) + (tick % 7) * 100, messages: 40 * (i + 1), at });
      lifecycle.emit('checkpoint', { queue: 'clicks', shardId: s, sequenceNumber: String(tick), consumerId: 'worker-1', at });
    }
    lifecycle.emit('throttled', { queue: 'clicks', operation: 'GetRecords', delayMs: 200, shardId: shards[tick % 4], at });
    if (tick % 3 === 0) lifecycle.emit('poison-pill', { queue: 'clicks', message: message({ queue: 'clicks' }), attempts: 5, shardId: shards[0], at });
    if (tick % 4 === 0) {
      lifecycle.emit('lease.lost', lease(shards[3]!));
      lifecycle.emit('lease.stolen', { ...lease(shards[3]!), previousOwner: 'worker-2' });
      lifecycle.emit('heartbeat.failed', { queue: 'clicks', consumerId: 'worker-1', error: Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }), at });
    }
    if (tick % 10 === 0) lifecycle.emit('rebalance', { queue: 'clicks', consumerId: 'worker-1', workers: 2, owned: shards, at });
  }, 100);
  const server: Server = createServer((_req, res) => {
    void registry.metrics().then((text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      clearInterval(timer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
