/**
 * The calls the provider makes to Kinesis: one seam between the provider and the SDK (like a
 * driver), so the provider never builds requests itself and tests can wrap the real client.
 */
export interface KinesisApi {
  putRecords(stream: string, records: readonly PutEntry[]): Promise<readonly PutOutcome[]>;
  getShardIterator(stream: string, shardId: string, start: IteratorStart): Promise<string>;
  getRecords(iterator: string, limit: number): Promise<RecordsPage>;
  /** Every shard of the stream (paginated ListShards with a ShardFilter), open and closed within retention. */
  listShards(stream: string): Promise<ShardInfo[]>;
  /** The stream's status, or `undefined` when it does not exist. */
  streamStatus(stream: string): Promise<string | undefined>;
  createStream(stream: string, shardCount: number): Promise<void>;
  destroy(): void;
}

export interface PutEntry {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly explicitHashKey?: string | undefined;
}

/** Per entry of a PutRecords call: where it went, or why it failed. */
export type PutOutcome =
  | { readonly ok: true; readonly shardId: string; readonly sequenceNumber: string }
  | { readonly ok: false; readonly errorCode: string; readonly errorMessage: string };

export type IteratorStart =
  | { readonly type: 'TRIM_HORIZON' | 'LATEST' }
  | { readonly type: 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER'; readonly sequenceNumber: string }
  | { readonly type: 'AT_TIMESTAMP'; readonly timestamp: number };

export interface SdkRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  readonly arrivalMs: number;
}

export interface RecordsPage {
  readonly records: readonly SdkRecord[];
  /** `undefined`: the shard is closed and every record was returned (SHARD_END). */
  readonly next: string | undefined;
  readonly millisBehindLatest: number | undefined;
}

export interface ShardInfo {
  readonly shardId: string;
  readonly parents: readonly string[];
  readonly startHash: bigint;
  readonly endHash: bigint;
  /** The shard was closed by a split or merge (it has an ending sequence number). */
  readonly closed: boolean;
}
