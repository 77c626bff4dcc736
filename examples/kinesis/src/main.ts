// A starting template: one process that publishes orders and/or consumes them from a Kinesis
// stream, its shard leases and checkpoints in Redis. Run several with ROLE=consume: they share
// the shards; stop one (Ctrl-C) and the others take its shards at once.
//
//   KINESIS_ENDPOINT=http://127.0.0.1:4567 CREATE_SHARDS=4 node dist/main.js   (kinesalite)
//   AWS_REGION=eu-west-1 STREAM=orders ROLE=consume node dist/main.js          (AWS; default credentials chain)
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { createQueue, PermanentError } from '@mqkit/core';
import { kinesis, kinesisRecordOf } from '@mqkit/kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Redis } from 'ioredis';
import { readConfig } from './config.js';

declare module '@mqkit/core' {
  interface QueueRegistry {
    orders: { orderId: string; customerId: string; total: number };
  }
}

const config = readConfig();
const client = new KinesisClient({
  region: config.region,
  ...(config.endpoint === undefined
    ? {}
    : { endpoint: config.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, requestHandler: new NodeHttpHandler() }),
});
const redis = new Redis(config.redisUrl);

const queue = await createQueue({
  provider: kinesis({
    client,
    redis,
    application: config.application,
    streamName: () => config.stream,
    ...(config.createShards === undefined ? {} : { createStreams: { shardCount: config.createShards } }),
    // Orders of one customer stay in order: they share a partition key.
    partitionKey: (message) => (message.payload as { customerId?: string }).customerId,
  }),
  logger: console,
  lifecycle: [
    {
      name: 'ops-log',
      rebalance: (e) => console.log(`[${e.consumerId}] holds ${e.owned.length} shard(s) of ${e.workers} worker(s): ${e.owned.join(', ')}`),
      'poison-pill': (e) => console.warn(`poison pill set aside: ${e.message.id} after ${e.attempts} attempts (shard ${e.shardId})`),
      'message.dead-lettered': (e) => console.warn(`dead-lettered ${e.message.id}: ${e.reason} (${e.error.message})`),
      throttled: (e) => console.warn(`throttled on ${e.operation}, waiting ${e.delayMs} ms`),
    },
  ],
});

if (config.role !== 'consume') {
  const orders = Array.from({ length: 100 }, (_, i) => ({
    payload: { orderId: `o-${Date.now()}-${i}`, customerId: `c-${i % 10}`, total: 10 + i },
  }));
  const { ids } = await queue.publish('orders', orders);
  console.log(`published ${ids.length} orders`);
}

if (config.role !== 'produce') {
  const seen = new Set<string>(); // stands in for your idempotent store
  queue.consume(
    'orders',
    async (messages, ctx) => {
      for (const m of messages) {
        if (m.payload.total < 0) throw new PermanentError(`order ${m.payload.orderId} has a negative total`);
        const record = kinesisRecordOf(m);
        // Idempotence key and fencing epoch: write them with your side effect.
        const key = record === undefined ? m.id : `${record.shardId}:${record.sequenceNumber}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (ctx.signal.aborted) return; // the shard was handed over or the deadline passed
      }
      console.log(`processed ${messages.length} order(s) from ${ctx.shardId ?? 'several shards'}`);
    },
    { batchSize: 100, concurrency: 4 },
  );
  console.log(`consuming "${config.stream}" as application "${config.application}"; Ctrl-C stops (the shards are handed over)`);
}

const stop = (): void => {
  void queue.close({ timeoutMs: 10_000 }).then(() => {
    redis.disconnect();
    client.destroy();
  });
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
if (config.role === 'produce') stop();
