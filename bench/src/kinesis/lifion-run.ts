import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface LifionKinesis {
  on(event: 'data', listener: (data: { records: unknown[] }) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  startConsumer(): Promise<void>;
  stopConsumer(): void;
}

/**
 * lifion-kinesis 1.x (the last one for Node 20) on the same stream: polling consumer (no enhanced
 * fan-out), its leases in DynamoDB on dynalite, from TRIM_HORIZON, until `n` records arrived.
 */
export async function lifionRead(kinesisEndpoint: string, dynamoEndpoint: string, stream: string, n: number, group: string): Promise<number> {
  const Kinesis = require('lifion-kinesis') as new (options: Record<string, unknown>) => LifionKinesis;
  const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench', region: 'us-east-1' };
  const consumer = new Kinesis({
    streamName: stream,
    consumerGroup: group,
    createStreamIfNeeded: false,
    endpoint: kinesisEndpoint,
    ...credentials,
    dynamoDb: { endpoint: dynamoEndpoint, tableName: `lifion-${group}`, ...credentials },
    useEnhancedFanOut: false,
    initialPositionInStream: 'TRIM_HORIZON',
    limit: 10_000,
    pollDelay: 0,
    noRecordsPollDelay: 250,
    statsInterval: 3_600_000,
    logger: { debug() {}, warn() {}, error() {} },
  });
  let read = 0;
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const finished = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  consumer.on('data', ({ records }) => {
    read += records.length;
    if (read >= n) resolve();
  });
  consumer.on('error', (error) => reject(error));
  const started = performance.now();
  await consumer.startConsumer();
  const timeout = setTimeout(() => reject(new Error(`lifion-kinesis read ${read} of ${n} records in 120 s`)), 120_000);
  try {
    await finished;
  } finally {
    clearTimeout(timeout);
    consumer.stopConsumer();
  }
  return n / ((performance.now() - started) / 1000);
}
