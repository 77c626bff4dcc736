import { iteratorStart } from '../consumer/shard-reader.js';
import type { KinesisApi } from '../kinesis/kinesis-api.js';

/**
 * How far a shard's next unread record is behind the tip of the stream (MillisBehindLatest of
 * one GetRecords from where a worker would read next: after the checkpoint, else from the shard's
 * start position); `undefined` when Kinesis does not say (an emulator may not) or the read fails.
 */
export async function shardLag(api: KinesisApi, stream: string, shardId: string, checkpoint: string | undefined, start: string): Promise<number | undefined> {
  try {
    const iterator = await api.getShardIterator(stream, shardId, iteratorStart(checkpoint, start));
    return (await api.getRecords(iterator, 1)).millisBehindLatest;
  } catch {
    return undefined;
  }
}
