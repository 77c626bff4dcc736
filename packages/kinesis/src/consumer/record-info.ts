import type { Message } from '@mqkit/core';

/** Where a delivered message came from, and the fencing epoch of the lease it was read under. */
export interface KinesisRecordInfo {
  readonly stream: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** The sub-record's index in a KPL-aggregated record; `undefined` for a plain record. */
  readonly subSequenceNumber: number | undefined;
  /**
   * The shard lease's fencing epoch when the message was delivered: it grows by one with every
   * change of owner. Write it with your side effects (`… WHERE epoch <= $1`) to refuse a stale
   * owner's late writes.
   */
  readonly epoch: number;
}

const INFO = new WeakMap<Message, KinesisRecordInfo>();

export function remember(message: Message, info: KinesisRecordInfo): void {
  INFO.set(message, info);
}

/**
 * The shard, sequence number and fencing epoch of a message delivered by the Kinesis provider
 * (`undefined` for any other message). For idempotent processing keyed by
 * `shardId:sequenceNumber`, and fenced downstream writes by `epoch`.
 */
export function kinesisRecordOf(message: Message): KinesisRecordInfo | undefined {
  return INFO.get(message);
}
