// One Kinesis world per test: a stream on the suite's kinesalite, a Redis key prefix of its own,
// a publishing queue, worker processes (the Kinesis package's fault worker, on the built
// packages) and direct reads of the coordination state in Redis to check the CLI against.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { createQueue, type Queue } from '@mqkit/core';
import { kinesis, streamKeys, type StreamKeys } from '@mqkit/kinesis';
import { readDeliveries, until, WorkerProcess, type DeliveryRecord, type Kinesalite } from '@mqkit/testkit';
import { Redis } from 'ioredis';
import { mqkit, type Run } from './mqkit.js';
import { REDIS_URL, unique } from './servers.js';

const WORKER = join(import.meta.dirname, '..', '..', '..', 'kinesis', 'test', 'fault', 'worker.mjs');

export interface Lease {
  readonly o: string;
  readonly e: number;
  readonly x: number;
}

export class KinesisWorld {
  readonly stream = unique('k').replace(/_/g, '-');
  readonly prefix = `${unique('p')}:`;
  readonly keys: StreamKeys = streamKeys(this.prefix, 'mqkit', this.stream);
  readonly dir = mkdtempSync(join(tmpdir(), 'mqkit-cli-kinesis-'));
  readonly redis = new Redis(REDIS_URL);
  readonly client: KinesisClient;
  readonly workers: WorkerProcess[] = [];
  queue!: Queue;

  constructor(readonly server: Kinesalite) {
    this.client = new KinesisClient({ ...(server.clientConfig() as ConstructorParameters<typeof KinesisClient>[0]) });
  }

  async open(shards: number): Promise<this> {
    await this.client.send(new CreateStreamCommand({ StreamName: this.stream, ShardCount: shards }));
    await until(async () => (await this.client.send(new DescribeStreamSummaryCommand({ StreamName: this.stream }))).StreamDescriptionSummary?.StreamStatus === 'ACTIVE', 10_000, 'the stream ACTIVE');
    this.queue = await createQueue({ provider: kinesis({ clientConfig: this.server.clientConfig(), redis: REDIS_URL, keyPrefix: this.prefix }) });
    return this;
  }

  /** Publishes `n` messages (one PutRecords), returning their ids in order. */
  async publish(n: number, key?: string): Promise<string[]> {
    const { ids } = await this.queue.publish(this.stream, Array.from({ length: n }, (_, i) => ({ payload: { i }, ...(key === undefined ? {} : { partitionKey: key }) })));
    return [...ids];
  }

  async start(name: string, workMs = 0, env: Record<string, string> = {}): Promise<WorkerProcess> {
    const worker = await WorkerProcess.start(WORKER, {
      name,
      logDir: this.dir,
      workMs,
      env: { QUEUE: this.stream, KINESIS_ENDPOINT: this.server.endpoint, REDIS_URL, PREFIX: this.prefix, LEASE_MS: '3000', ...env },
    });
    this.workers.push(worker);
    return worker;
  }

  deliveries(): DeliveryRecord[] {
    return readDeliveries(this.dir);
  }

  acked(): Set<string> {
    return new Set(this.deliveries().filter((d) => d.acked === true).map((d) => d.id));
  }

  async leases(): Promise<Record<string, Lease>> {
    const raw = await this.redis.hgetall(this.keys.leases);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, JSON.parse(v) as Lease]));
  }

  async checkpoints(): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.checkpoints);
  }

  /** Message id -> sequence number, read from the shard (envelope records carry the id). */
  async sequences(shardId: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const it = await this.client.send(new GetShardIteratorCommand({ StreamName: this.stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }));
    const page = await this.client.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator, Limit: 10_000 }));
    for (const r of page.Records ?? []) out.set((JSON.parse(Buffer.from(r.Data!).toString()) as { id: string }).id, r.SequenceNumber!);
    return out;
  }

  /** `mqkit kinesis …` on this world's stream, Redis prefix and Kinesis endpoint. */
  cli(...args: string[]): Promise<Run> {
    return mqkit(['kinesis', ...args, '--stream', this.stream, '--redis-url', REDIS_URL, '--key-prefix', this.prefix, '--kinesis-endpoint', this.server.endpoint, '--region', 'us-east-1']);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => (w.child.exitCode === null && w.child.signalCode === null ? w.kill() : Promise.resolve())));
    await this.queue?.close({ timeoutMs: 2_000 });
    this.client.destroy();
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await this.redis.del(...keys);
    } while (cursor !== '0');
    this.redis.disconnect();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
