import type { KinesisApi } from '../kinesis/kinesis-api.js';

/**
 * How far a shard's next unread record is behind the tip of the stream (MillisBehindLatest of
 * one GetRecords from the checkpoint, else from the shard's start position); `undefined` when
 * Kinesis does not say (an emulator may not) or the read fails.
 */
export async function shardLag(api: KinesisApi, stream: string, shardId: string, checkpoint: string | undefined, start: string): Promise<number | undefined> {
  try {
    const from =
      checkpoint !== undefined
        ? { type: 'AFTER_SEQUENCE_NUMBER' as const, sequenceNumber: checkpoint.split(':')[0]! }
        : start.startsWith('AT_TIMESTAMP:')
          ? { type: 'AT_TIMESTAMP' as const, timestamp: Number(start.slice('AT_TIMESTAMP:'.length)) }
          : { type: start === 'LATEST' ? ('LATEST' as const) : ('TRIM_HORIZON' as const) };
    const iterator = await api.getShardIterator(stream, shardId, from);
    return (await api.getRecords(iterator, 1)).millisBehindLatest;
  } catch {
    return undefined;
  }
}
