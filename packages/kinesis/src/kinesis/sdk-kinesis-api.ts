import { ConfigError } from '@mqkit/core';
import type { IteratorStart, KinesisApi, PutEntry, PutOutcome, RecordsPage, ShardInfo } from './kinesis-api.js';

/** What the provider needs of `@aws-sdk/client-kinesis` (loaded lazily: a peer dependency). */
interface SdkModule {
  readonly KinesisClient: new (config: Record<string, unknown>) => SdkClient;
  readonly PutRecordsCommand: new (input: unknown) => unknown;
  readonly GetShardIteratorCommand: new (input: unknown) => unknown;
  readonly GetRecordsCommand: new (input: unknown) => unknown;
  readonly ListShardsCommand: new (input: unknown) => unknown;
  readonly DescribeStreamSummaryCommand: new (input: unknown) => unknown;
  readonly CreateStreamCommand: new (input: unknown) => unknown;
}

/** A KinesisClient (or anything with its `send`). */
export interface SdkClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  destroy?(): void;
}

/** The client settings the provider passes to `new KinesisClient(…)`. */
export interface KinesisClientConfig {
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: unknown;
  /** e.g. `new NodeHttpHandler()` from `@smithy/node-http-handler` (kinesalite speaks HTTP/1.1 only). */
  readonly requestHandler?: unknown;
  /** Anything else `KinesisClientConfig` takes. */
  readonly [key: string]: unknown;
}

async function loadSdk(): Promise<SdkModule> {
  try {
    return (await import('@aws-sdk/client-kinesis')) as unknown as SdkModule;
  } catch (error) {
    throw new ConfigError('kinesis.client', 'needs @aws-sdk/client-kinesis, which is not installed', 'npm install @aws-sdk/client-kinesis', { source: 'kinesis', cause: error });
  }
}

/** The real Kinesis through the AWS SDK v3: the user's client, or one made from their settings. */
export async function sdkKinesisApi(client: SdkClient | undefined, config: KinesisClientConfig | undefined): Promise<KinesisApi> {
  const sdk = await loadSdk();
  const own = client === undefined;
  // Our own client does not retry by itself: the provider retries what failed (only the failed
  // entries of a PutRecords) and sees every throttle, to back off and report it.
  const c: SdkClient = client ?? new sdk.KinesisClient({ maxAttempts: 1, ...config });
  return new SdkKinesisApi(sdk, c, own);
}

class SdkKinesisApi implements KinesisApi {
  constructor(
    private readonly sdk: SdkModule,
    private readonly client: SdkClient,
    private readonly own: boolean,
  ) {}

  async putRecords(stream: string, records: readonly PutEntry[]): Promise<readonly PutOutcome[]> {
    const out = (await this.client.send(
      new this.sdk.PutRecordsCommand({
        StreamName: stream,
        Records: records.map((r) => ({ Data: r.data, PartitionKey: r.partitionKey, ...(r.explicitHashKey === undefined ? {} : { ExplicitHashKey: r.explicitHashKey }) })),
      }),
    )) as { Records?: Array<{ SequenceNumber?: string; ShardId?: string; ErrorCode?: string; ErrorMessage?: string }> };
    const results = out.Records ?? [];
    return records.map((_, i) => {
      const r = results[i];
      if (r !== undefined && r.ErrorCode === undefined && r.SequenceNumber !== undefined && r.ShardId !== undefined) {
        return { ok: true, shardId: r.ShardId, sequenceNumber: r.SequenceNumber };
      }
      return { ok: false, errorCode: r?.ErrorCode ?? 'MissingResult', errorMessage: r?.ErrorMessage ?? 'PutRecords returned no result for this entry' };
    });
  }

  async getShardIterator(stream: string, shardId: string, start: IteratorStart): Promise<string> {
    const input: Record<string, unknown> = { StreamName: stream, ShardId: shardId, ShardIteratorType: start.type };
    if (start.type === 'AT_SEQUENCE_NUMBER' || start.type === 'AFTER_SEQUENCE_NUMBER') input.StartingSequenceNumber = start.sequenceNumber;
    if (start.type === 'AT_TIMESTAMP') input.Timestamp = new Date(start.timestamp);
    const out = (await this.client.send(new this.sdk.GetShardIteratorCommand(input))) as { ShardIterator?: string };
    if (out.ShardIterator === undefined) throw new Error(`[mqkit] [kinesis] GetShardIterator returned no iterator for ${shardId}`);
    return out.ShardIterator;
  }

  async getRecords(iterator: string, limit: number): Promise<RecordsPage> {
    const out = (await this.client.send(new this.sdk.GetRecordsCommand({ ShardIterator: iterator, Limit: limit }))) as {
      Records?: Array<{ SequenceNumber?: string; PartitionKey?: string; Data?: Uint8Array; ApproximateArrivalTimestamp?: Date }>;
      NextShardIterator?: string;
      MillisBehindLatest?: number;
    };
    return {
      records: (out.Records ?? []).map((r) => ({
        sequenceNumber: r.SequenceNumber ?? '0',
        partitionKey: r.PartitionKey ?? '',
        data: r.Data ?? new Uint8Array(),
        arrivalMs: r.ApproximateArrivalTimestamp?.getTime() ?? 0,
      })),
      next: out.NextShardIterator ?? undefined,
      millisBehindLatest: out.MillisBehindLatest,
    };
  }

  async listShards(stream: string): Promise<ShardInfo[]> {
    const shards: ShardInfo[] = [];
    let next: string | undefined;
    do {
      const input = next === undefined ? { StreamName: stream, ShardFilter: { Type: 'AT_TRIM_HORIZON' }, MaxResults: 1000 } : { NextToken: next, MaxResults: 1000 };
      const out = (await this.client.send(new this.sdk.ListShardsCommand(input))) as {
        Shards?: Array<{ ShardId?: string; ParentShardId?: string; AdjacentParentShardId?: string; HashKeyRange?: { StartingHashKey?: string; EndingHashKey?: string }; SequenceNumberRange?: { EndingSequenceNumber?: string } }>;
        NextToken?: string;
      };
      for (const s of out.Shards ?? []) {
        if (s.ShardId === undefined) continue;
        shards.push({
          shardId: s.ShardId,
          parents: [s.ParentShardId, s.AdjacentParentShardId].filter((p): p is string => typeof p === 'string' && p.length > 0),
          startHash: BigInt(s.HashKeyRange?.StartingHashKey ?? '0'),
          endHash: BigInt(s.HashKeyRange?.EndingHashKey ?? String(2n ** 128n - 1n)),
          closed: s.SequenceNumberRange?.EndingSequenceNumber !== undefined,
        });
      }
      next = out.NextToken;
    } while (next !== undefined);
    return shards;
  }

  async streamStatus(stream: string): Promise<string | undefined> {
    try {
      const out = (await this.client.send(new this.sdk.DescribeStreamSummaryCommand({ StreamName: stream }))) as { StreamDescriptionSummary?: { StreamStatus?: string } };
      return out.StreamDescriptionSummary?.StreamStatus;
    } catch (error) {
      if ((error as { name?: unknown })?.name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }

  async createStream(stream: string, shardCount: number): Promise<void> {
    await this.client.send(new this.sdk.CreateStreamCommand({ StreamName: stream, ShardCount: shardCount }));
  }

  destroy(): void {
    if (this.own) this.client.destroy?.();
  }
}
