import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { createQueue } from '@mqkit/core';
import { kinesis } from '@mqkit/kinesis';
import { clientConfig } from './emulators.js';

/** Raw GetRecords: every shard from TRIM_HORIZON in parallel, Limit 10000, no pause, until `n` records. */
export async function rawRead(endpoint: string, stream: string, n: number): Promise<number> {
  const client = new KinesisClient({ ...clientConfig(endpoint), maxAttempts: 1 });
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: stream }));
  let read = 0;
  const started = performance.now();
  await Promise.all(
    Shards.map(async (shard) => {
      let iterator = (await client.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      while (iterator !== undefined && read < n) {
        const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        read += page.Records?.length ?? 0;
        if ((page.Records?.length ?? 0) === 0) break;
        iterator = page.NextShardIterator;
      }
    }),
  );
  const rate = read / ((performance.now() - started) / 1000);
  client.destroy();
  return rate;
}

/** The mqkit consumer, defaults (5 GetRecords/s per shard at most), a no-op processor, until `n` are acked. */
export async function mqkitRead(endpoint: string, redisUrl: string, prefix: string, stream: string, n: number, batchSize: number): Promise<number> {
  const queue = await createQueue({ provider: kinesis({ clientConfig: clientConfig(endpoint), redis: redisUrl, keyPrefix: prefix }) });
  let done = 0;
  let resolve!: () => void;
  const finished = new Promise<void>((r) => (resolve = r));
  queue.lifecycle.add({
    'message.processed': (e) => {
      done += e.messages.length;
      if (done >= n) resolve();
    },
  });
  const started = performance.now();
  queue.consume(stream, () => undefined, { batchSize, concurrency: 4 });
  await finished;
  const rate = n / ((performance.now() - started) / 1000);
  await queue.close();
  return rate;
}
