// Reads a stream's shards directly (raw GetRecords) to learn where each message landed.
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { deaggregate } from '../../src/index.js';

export interface Landed {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly sub: number | undefined;
}

/** Message id -> shard and position (envelopes only; sub-records of aggregates included). */
export async function whereIs(client: KinesisClient, stream: string): Promise<Map<string, Landed>> {
  const out = new Map<string, Landed>();
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: stream }));
  for (const shard of Shards) {
    let iterator = (await client.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    while (iterator !== undefined) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const r of page.Records ?? []) {
        const subs = deaggregate(r.Data!) ?? [{ data: r.Data!, partitionKey: r.PartitionKey!, explicitHashKey: undefined }];
        subs.forEach((s, i) => {
          try {
            const e = JSON.parse(Buffer.from(s.data).toString()) as { id?: string };
            if (typeof e.id === 'string') out.set(e.id, { shardId: shard.ShardId!, sequenceNumber: r.SequenceNumber!, sub: subs.length > 1 || deaggregate(r.Data!) ? i : undefined });
          } catch {
            // not an envelope
          }
        });
      }
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}
