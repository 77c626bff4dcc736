// Faults injected into the real AWS SDK client with middleware, against kinesalite + Redis:
// throttled reads and writes, expired iterators, PutRecords partial failures, oversized records.
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { createQueue, type LifecycleEvents, type Queue } from '@mqkit/core';
import { Deliveries, checkDeliveries, collectEvents, type DeliveryRecord, until, suiteName } from '@mqkit/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PartialPublishError, kinesis } from '../src/index.js';
import { record } from './support/figures.js';
import { startKinesalite, type Kinesalite } from './support/kinesalite.js';
import { REDIS_URL, dropPrefix, redisReachable, uniquePrefix } from './support/redis.js';

const reachable = await redisReachable();
let server: Kinesalite;
const cleanups: Array<() => Promise<unknown>> = [];
beforeAll(async () => {
  server = await startKinesalite();
});
afterAll(async () => server?.close());
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Fault = (command: string, input: Record<string, unknown>) => 'throttle' | 'expired' | 'kms' | undefined;

/** A real KinesisClient whose calls a script can fail, and which counts PutRecords entries sent. */
function faultyClient(fault: { script: Fault; putEntries: number[]; failEntries?: (i: number, call: number) => string | undefined }): KinesisClient {
  const client = new KinesisClient({ ...(server.clientConfig() as ConstructorParameters<typeof KinesisClient>[0]), maxAttempts: 1 });
  let puts = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const input = args.input as Record<string, unknown>;
      const what = fault.script(command, input);
      const error = (name: string): Error => Object.assign(new Error(`injected ${name}`), { name, $fault: 'client', $metadata: {} });
      if (what === 'throttle') throw error('ProvisionedThroughputExceededException');
      if (what === 'kms') throw error('KMSThrottlingException');
      if (what === 'expired') throw error('ExpiredIteratorException');
      if (command === 'PutRecordsCommand') {
        const call = puts++;
        const records = input.Records as unknown[];
        fault.putEntries.push(records.length);
        // A failed entry is not sent at all (as Kinesis does not store it) and answered with its error code.
        const codes = records.map((_, i) => fault.failEntries?.(i, call));
        const sent = records.filter((_, i) => codes[i] === undefined);
        const result = sent.length > 0 ? await next({ ...args, input: { ...input, Records: sent } }) : ({ output: { Records: [] }, response: {} } as unknown as Awaited<ReturnType<typeof next>>);
        const out = result.output as { Records?: Array<Record<string, unknown>>; FailedRecordCount?: number };
        const answers = [...(out.Records ?? [])];
        out.Records = codes.map((code) => (code === undefined ? answers.shift()! : { ErrorCode: code, ErrorMessage: 'injected' }));
        out.FailedRecordCount = codes.filter((c) => c !== undefined).length;
        return result;
      }
      return next(args);
    },
    { step: 'initialize', name: 'mqkit-test-faults' },
  );
  return client;
}

async function open(client: KinesisClient, over: Record<string, unknown> = {}): Promise<Queue> {
  const prefix = uniquePrefix('sdk');
  const queue = await createQueue({
    provider: kinesis({ client, redis: REDIS_URL, keyPrefix: prefix, createStreams: { shardCount: 2 }, lease: { leaseMs: 1_000 }, read: { minIntervalMs: 5, idleDelayMs: 20 }, publish: { baseDelayMs: 5, maxDelayMs: 20 }, ...over }),
  });
  cleanups.push(() => dropPrefix(prefix), () => queue.close({ timeoutMs: 2_000 }), async () => client.destroy());
  return queue;
}

let n = 0;
const streamName = (): string => `sdk-${process.pid}-${++n}`;

describe.skipIf(!reachable.ok)(suiteName('kinesis with faults injected into the AWS SDK client', reachable), () => {
  it('throttled GetRecords (throughput and KMS) and expired iterators are survived: backed off, reported as throttled, never failures, nothing lost or reordered', async () => {
    let reads = 0;
    let firstExpiredAt = Infinity;
    const fault = {
      putEntries: [] as number[],
      script: (command: string): ReturnType<Fault> => {
        if (command !== 'GetRecordsCommand') return undefined;
        reads++;
        if (reads % 7 === 3) return 'throttle';
        if (reads % 7 === 5) {
          firstExpiredAt = Math.min(firstExpiredAt, Date.now());
          return 'expired';
        }
        if (reads % 11 === 4) return 'kms';
        return undefined;
      },
    };
    const queue = await open(faultyClient(fault));
    const log = collectEvents(queue.lifecycle);
    const name = streamName();
    const published: Array<{ id: string; partitionKey: string; seq: number }> = [];
    const seen = new Deliveries();
    const started = Date.now();
    queue.consume(name, seen.processor(), { batchSize: 7 });
    // Published while the shards are read, so reads keep meeting the injected faults.
    for (let seq = 0; seq < 40; seq++) {
      const batch = ['a', 'b', 'c'].map((k) => ({ payload: { key: k, seq }, partitionKey: k }));
      const { ids } = await queue.publish(name, batch);
      ids.forEach((id, i) => published.push({ id, partitionKey: batch[i]!.partitionKey, seq }));
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    await until(() => published.every((p) => seen.count(p.id) >= 1), 20_000, () => `all delivered (${seen.ids().size}/${published.length})`);
    await until(() => acked(log).size >= published.length, 20_000, () => `all acked (${acked(log).size}/${published.length})`);
    // Each processing, then each applied ack (message.processed), as the fault worker logs them.
    const deliveries: DeliveryRecord[] = [
      ...seen.all.map((d) => ({ worker: 'w', id: d.message.id, partitionKey: d.message.partitionKey, seq: (d.message.payload as { seq: number }).seq, attempt: d.message.attempt, at: d.at })),
      ...[...acked(log)].map((id) => ({ worker: 'w', id, partitionKey: undefined, seq: undefined, attempt: 0, at: 0, acked: true as const })),
    ];
    const report = checkDeliveries(published, deliveries, { ordered: true });
    expect(report.missing).toEqual([]);
    expect(report.orderViolations).toEqual([]);
    const throttled = log.of('throttled') as Array<LifecycleEvents['throttled']>;
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.every((t) => t.operation === 'GetRecords' && t.delayMs > 0)).toBe(true);
    // The faults came while records were still arriving: some were delivered after an iterator expired.
    expect(seen.all.some((d) => d.at > firstExpiredAt)).toBe(true);
    expect(log.of('message.failed')).toEqual([]); // a throttle is not a failure
    expect(seen.all.every((d) => d.message.attempt === 1)).toBe(true);
    record('kinesis', { fault: 'GetRecords throttled and iterators expired (SDK middleware)', sent: report.sent, lost: report.missing.length, duplicates: report.duplicates, recoverMs: Date.now() - started });
  });

  it('after a partial PutRecords failure only the failed entries are sent again; what still fails is reported per message, the rest is stored', async () => {
    const fault = {
      putEntries: [] as number[],
      script: (): ReturnType<Fault> => undefined,
      // Call 0: entries 1 and 3 throttled. Call 1 (the retry of those two): entry 0 keeps failing.
      failEntries: (i: number, call: number): string | undefined => (call === 0 && (i === 1 || i === 3) ? 'ProvisionedThroughputExceededException' : call >= 1 && i === 0 ? 'InternalFailure' : undefined),
    };
    const queue = await open(faultyClient(fault), { publish: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
    const log = collectEvents(queue.lifecycle);
    const name = streamName();
    const error = await queue.publish(name, [0, 1, 2, 3, 4].map((i) => ({ payload: i }))).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PartialPublishError);
    const partial = error as PartialPublishError;
    expect(partial.retryable).toBe(true);
    expect(partial.failed.map((f) => [f.index, f.errorCode])).toEqual([[1, 'InternalFailure']]);
    expect(partial.storedIds.length).toBe(4);
    expect(fault.putEntries).toEqual([5, 2, 1]); // all five, then the two failed, then the one still failing
    expect(log.of('throttled').length).toBe(1);
    const seen = new Deliveries();
    queue.consume(name, seen.processor(), { batchSize: 10 });
    await until(() => seen.ids().size === 4, 10_000, 'the stored four are delivered');
    expect([...seen.ids()].sort()).toEqual([...partial.storedIds].sort());
  });

  it('a record over the record limit is a PayloadTooLargeError before any call; the limit is configurable for streams with large records', async () => {
    const fault = { putEntries: [] as number[], script: (): ReturnType<Fault> => undefined };
    const queue = await open(faultyClient(fault), { publish: { maxRecordBytes: 2_000 } });
    const name = streamName();
    const error = await queue.publish(name, [{ payload: 'small' }, { payload: 'x'.repeat(3_000) }]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'MQKIT_PAYLOAD_TOO_LARGE', field: 'messages[1].payload', limitBytes: 2_000 });
    expect(fault.putEntries).toEqual([]); // nothing was sent
    await queue.publish(name, { payload: 'x'.repeat(1_800) });
    expect(fault.putEntries).toEqual([1]);
  });

  it('a batch larger than one call goes out in calls of at most 500 records and 5 MiB, in order', async () => {
    const fault = { putEntries: [] as number[], script: (): ReturnType<Fault> => undefined };
    const queue = await open(faultyClient(fault));
    const name = streamName();
    await queue.publish(name, Array.from({ length: 1_203 }, (_, i) => ({ payload: i, partitionKey: 'one' })));
    expect(fault.putEntries).toEqual([500, 500, 203]);
    const big = 'y'.repeat(900_000); // ~0.9 MB each: six of them pass 5 MiB
    fault.putEntries.length = 0;
    await queue.publish(name, Array.from({ length: 7 }, () => ({ payload: big })));
    expect(fault.putEntries).toEqual([5, 2]);
  });
});

/** Ids the consumer reported acked (`message.processed`). */
function acked(log: ReturnType<typeof collectEvents>): Set<string> {
  const ids = new Set<string>();
  for (const e of log.of('message.processed') as Array<LifecycleEvents['message.processed']>) for (const m of e.messages) ids.add(m.id);
  return ids;
}
