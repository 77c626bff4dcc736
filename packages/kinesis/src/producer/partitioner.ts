import { randomBytes } from 'node:crypto';
import type { NewMessage } from '@mqkit/core';

/** Chooses a record's partition key when the message has none (e.g. a hash of an entity id). */
export type PartitionKeyFn = (message: NewMessage) => string | undefined;

/**
 * The message's own `partitionKey`, else the configured function's, else a random one (spread
 * evenly over the shards). Never the message type: one type on one hot shard is the classic way to
 * cap a stream at one shard's throughput.
 */
export function partitionKeyOf(message: NewMessage, configured: PartitionKeyFn | undefined): string {
  if (message.partitionKey !== undefined) return message.partitionKey;
  const chosen = configured?.(message);
  if (chosen !== undefined && chosen !== '') return chosen;
  return randomBytes(12).toString('base64url');
}
