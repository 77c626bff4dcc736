import { ErrorCode, MqkitError, type MqkitErrorOptions } from '@mqkit/core';

/** One message Kinesis did not take after every retry. */
export interface FailedRecord {
  /** Its index in the published batch. */
  readonly index: number;
  readonly id: string;
  /** Kinesis' error code for the entry (`ProvisionedThroughputExceededException`, `InternalFailure`, …) or the call's error name. */
  readonly errorCode: string;
  readonly errorMessage: string;
}

/**
 * Some messages of a publish were not stored after `publish.attempts` tries (only the failed
 * entries are retried, with backoff and jitter). `failed` names each, by index; every other message
 * of the batch is stored (`storedIds`). Retryable: publish the failed ones again.
 */
export class PartialPublishError extends MqkitError {
  readonly code = ErrorCode.Retryable;
  readonly retryable = true;
  readonly failed: readonly FailedRecord[];
  /** Ids of the messages that were stored, in input order (the failed ones left out). */
  readonly storedIds: readonly string[];

  constructor(stream: string, failed: readonly FailedRecord[], storedIds: readonly string[], options?: MqkitErrorOptions) {
    const first = failed[0];
    super(
      `${failed.length} of ${failed.length + storedIds.length} messages were not stored in stream "${stream}" after every retry (first: messages[${first?.index}] ${first?.errorCode}: ${first?.errorMessage}). Fix: publish error.failed again (the others are stored), or raise the stream's capacity`,
      options,
    );
    this.failed = failed;
    this.storedIds = storedIds;
  }
}
