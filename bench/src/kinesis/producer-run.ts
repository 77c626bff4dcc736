import { randomBytes } from 'node:crypto';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { createQueue } from '@mqkit/core';
import { kinesis } from '@mqkit/kinesis';
import { clientConfig, createStream } from './emulators.js';

/** A raw PutRecords loop: calls of 500 records of `bytes` bytes, one after the other, random keys. */
export async function rawPut(endpoint: string, stream: string, n: number, bytes: number): Promise<number> {
  const client = new KinesisClient({ ...clientConfig(endpoint), maxAttempts: 1 });
  const data = Buffer.alloc(bytes, 120);
  const started = performance.now();
  for (let sent = 0; sent < n; sent += 500) {
    const count = Math.min(500, n - sent);
    const out = await client.send(new PutRecordsCommand({ StreamName: stream, Records: Array.from({ length: count }, () => ({ Data: data, PartitionKey: randomBytes(12).toString('base64url') })) }));
    if ((out.FailedRecordCount ?? 0) > 0) throw new Error('raw PutRecords: some records failed');
  }
  const rate = n / ((performance.now() - started) / 1000);
  client.destroy();
  return rate;
}

/** The mqkit producer: queue.publish of `batch` messages at a time whose records are `bytes` bytes (envelope included). */
export async function mqkitPut(endpoint: string, redisUrl: string, prefix: string, stream: string, n: number, bytes: number, batch: number): Promise<number> {
  const queue = await createQueue({ provider: kinesis({ clientConfig: clientConfig(endpoint), redis: redisUrl, keyPrefix: prefix }) });
  const overhead = 90; // envelope fields around the payload (id, type, createdAt)
  const text = 'x'.repeat(Math.max(1, bytes - overhead));
  const started = performance.now();
  for (let sent = 0; sent < n; sent += batch) {
    const count = Math.min(batch, n - sent);
    await queue.publish(stream, Array.from({ length: count }, () => ({ payload: text })));
  }
  const rate = n / ((performance.now() - started) / 1000);
  await queue.close();
  return rate;
}

export async function freshStream(endpoint: string, name: string, shards: number): Promise<void> {
  const client = new KinesisClient(clientConfig(endpoint));
  await createStream(client, name, shards);
  client.destroy();
}
