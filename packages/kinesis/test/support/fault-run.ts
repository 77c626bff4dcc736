// What the multi-process fault tests share: kinesalite in this process (workers reach it over
// HTTP), a Redis key prefix per test, a stream created per test, a publishing queue, worker
// processes and their logs, all cleaned up afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { createQueue, type Queue } from '@mqkit/core';
import { WorkerProcess, type PublishedRecord } from '@mqkit/testkit';
import { kinesis, type KinesisProvider } from '../../src/index.js';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startKinesalite, type Kinesalite } from './kinesalite.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from './redis.js';

export const WORKER = join(import.meta.dirname, '..', 'fault', 'worker.mjs');

export class FaultRun {
  readonly prefix = uniquePrefix('fault');
  readonly dir = mkdtempSync(join(tmpdir(), 'mqkit-kinesis-fault-'));
  readonly workers: WorkerProcess[] = [];
  readonly published: PublishedRecord[] = [];
  readonly client: KinesisClient;
  queue!: Queue;
  provider!: KinesisProvider;

  constructor(
    readonly server: Kinesalite,
    readonly stream: string,
    readonly redisUrl = REDIS_URL,
  ) {
    this.client = new KinesisClient({ ...(server.clientConfig() as ConstructorParameters<typeof KinesisClient>[0]), maxAttempts: 3 });
  }

  async open(shards: number): Promise<this> {
    await this.client.send(new CreateStreamCommand({ StreamName: this.stream, ShardCount: shards }));
    for (;;) {
      const s = await this.client.send(new DescribeStreamSummaryCommand({ StreamName: this.stream }));
      if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    this.provider = kinesis({ clientConfig: this.server.clientConfig(), redis: this.redisUrl, keyPrefix: this.prefix });
    this.queue = await createQueue({ provider: this.provider });
    return this;
  }

  /** Publishes `perKey` messages on each of `keys` keys, interleaved, with their sequence within the key. */
  async publish(keys: number, perKey: number, batch = 100): Promise<void> {
    const all: Array<{ payload: { key: string; seq: number }; partitionKey: string }> = [];
    for (let seq = 0; seq < perKey; seq++) for (let k = 0; k < keys; k++) all.push({ payload: { key: `k${k}`, seq }, partitionKey: `k${k}` });
    for (let i = 0; i < all.length; i += batch) {
      const slice = all.slice(i, i + batch);
      const { ids } = await this.queue.publish(this.stream, slice);
      ids.forEach((id, j) => this.published.push({ id, partitionKey: slice[j]!.partitionKey, seq: slice[j]!.payload.seq }));
    }
  }

  async start(name: string, env: Record<string, string | number> = {}, workMs = 0): Promise<WorkerProcess> {
    const worker = await WorkerProcess.start(WORKER, {
      name,
      logDir: this.dir,
      workMs,
      events: true,
      env: {
        QUEUE: this.stream,
        KINESIS_ENDPOINT: this.server.endpoint,
        REDIS_URL: this.redisUrl,
        PREFIX: this.prefix,
        ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])),
      },
    });
    this.workers.push(worker);
    return worker;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => (w.child.exitCode === null && w.child.signalCode === null ? w.kill() : Promise.resolve())));
    await this.queue?.close({ timeoutMs: 2_000 });
    this.client.destroy();
    await dropPrefix(this.prefix, this.redisUrl).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The hooks every fault-test file shares: one kinesalite for the file, one run per test, closed
 * (workers killed, keys and logs removed) after each. `fresh(shards)` opens a run on a new stream.
 */
export function faultSuite(tag: string): { fresh(shards: number, redisUrl?: string): Promise<FaultRun> } {
  let server: Kinesalite | undefined;
  let run: FaultRun | undefined;
  let n = 0;
  beforeAll(async () => {
    server = await startKinesalite();
  });
  afterAll(async () => server?.close());
  afterEach(async () => {
    await run?.close();
    run = undefined;
  });
  return {
    async fresh(shards, redisUrl) {
      run = await new FaultRun(server!, `${tag}-${process.pid}-${++n}`, redisUrl).open(shards);
      return run;
    },
  };
}
