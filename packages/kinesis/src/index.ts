/**
 * @mqkit/kinesis — AWS Kinesis streams as mqkit queues, with shard leases, checkpoints and dead
 * letters coordinated through Redis.
 */
export { kinesis, KinesisProvider } from './kinesis-provider.js';
export type { KinesisOptions, InitialPosition } from './kinesis-options.js';
export { kinesisRecordOf, type KinesisRecordInfo } from './consumer/record-info.js';
export { AdaptivePacing, type AdaptivePacingOptions, type ReadPacing, type ReadResult } from './consumer/read-pacing.js';
export { envelopeCodec, rawJsonCodec, rawBytesCodec, type RecordCodec, type RawRecord, type DecodedMessage } from './producer/record-codec.js';
export { PartialPublishError, type FailedRecord } from './producer/partial-publish-error.js';
export type { PartitionKeyFn } from './producer/partitioner.js';
export { aggregate, deaggregate, hashKeyOf, type SubRecord } from './kpl/aggregation.js';
export { streamKeys, type StreamKeys } from './coordination/stream-keys.js';
export type { RedisLike } from './coordination/redis-like.js';
export { connectRedisFailFast } from './coordination/redis-connect.js';
export type { KinesisApi } from './kinesis/kinesis-api.js';
export type { SdkClient, KinesisClientConfig } from './kinesis/sdk-kinesis-api.js';
export type { StreamStatus, ShardStatus } from './stream-status.js';
export { kinesisAdmin, KinesisAdmin, type KinesisAdminOptions, type AdminResult, type AdminRefusal } from './admin/kinesis-admin.js';
