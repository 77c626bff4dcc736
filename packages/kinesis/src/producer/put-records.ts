import { sleep } from '@mqkit/core';
import { isThrottle, isThrottleCode } from '../kinesis/aws-errors.js';
import type { KinesisApi, PutEntry } from '../kinesis/kinesis-api.js';
import type { FailedRecord } from './partial-publish-error.js';

export interface PutLimits {
  /** Records per PutRecords call (Kinesis: 500). */
  readonly maxRecordsPerCall: number;
  /** Bytes per call, data plus partition keys (Kinesis: 5 MiB). */
  readonly maxBytesPerCall: number;
}

export interface PutRetry {
  /** Tries per entry, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** One entry to put, with its size (data + partition key, as Kinesis counts it). */
export interface SizedEntry extends PutEntry {
  readonly bytes: number;
}

export interface PutReport {
  /** Per entry: shard and sequence number, or why it finally failed. */
  readonly stored: Array<{ readonly shardId: string; readonly sequenceNumber: string } | undefined>;
  readonly failed: FailedRecord[];
}

/** Splits entries, in order, into calls within the count and byte limits. */
export function chunk(entries: readonly SizedEntry[], limits: PutLimits): number[][] {
  const calls: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  entries.forEach((e, i) => {
    if (current.length > 0 && (current.length >= limits.maxRecordsPerCall || bytes + e.bytes > limits.maxBytesPerCall)) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(i);
    bytes += e.bytes;
  });
  if (current.length > 0) calls.push(current);
  return calls;
}

/** Full jitter: a random wait up to the exponential delay of try `n` (0-based). */
export function backoffDelay(n: number, retry: PutRetry, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** n));
}

/**
 * Puts entries in calls within the limits, in order, one call at a time (so records of one key keep
 * their order between calls). After a partial failure only the failed entries are sent again, after
 * a backoff with jitter, at most `retry.attempts` tries each; a failed call (network, throttled) is
 * retried the same way. Nothing is dropped: what still failed is in `failed`, per entry.
 */
export async function putAll(
  api: KinesisApi,
  stream: string,
  entries: readonly SizedEntry[],
  ids: readonly string[],
  limits: PutLimits,
  retry: PutRetry,
  onThrottle: (delayMs: number) => void,
): Promise<PutReport> {
  const stored: PutReport['stored'] = Array.from({ length: entries.length }, () => undefined);
  const failed: FailedRecord[] = [];
  for (const call of chunk(entries, limits)) {
    let pending = call;
    const lastError = new Map<number, { code: string; message: string }>();
    for (let attempt = 0; pending.length > 0 && attempt < retry.attempts; attempt++) {
      if (attempt > 0) {
        const wait = backoffDelay(attempt - 1, retry);
        await sleep(wait);
      }
      let outcomes;
      try {
        outcomes = await api.putRecords(stream, pending.map((i) => entries[i]!));
      } catch (error) {
        const name = (error as { name?: string })?.name ?? 'Error';
        for (const i of pending) lastError.set(i, { code: name, message: error instanceof Error ? error.message : String(error) });
        if (isThrottle(error)) onThrottle(backoffDelay(attempt, retry));
        else if (isFatal(name)) break;
        continue;
      }
      const again: number[] = [];
      let throttled = false;
      outcomes.forEach((o, j) => {
        const i = pending[j]!;
        if (o.ok) stored[i] = { shardId: o.shardId, sequenceNumber: o.sequenceNumber };
        else {
          again.push(i);
          lastError.set(i, { code: o.errorCode, message: o.errorMessage });
          throttled ||= isThrottleCode(o.errorCode);
        }
      });
      if (throttled) onThrottle(backoffDelay(attempt, retry));
      pending = again;
    }
    for (const i of pending) {
      const e = lastError.get(i) ?? { code: 'Unknown', message: 'not stored' };
      failed.push({ index: i, id: ids[i]!, errorCode: e.code, errorMessage: e.message });
    }
  }
  return { stored, failed };
}

/** Failures no retry heals: the stream is not there, the request is invalid, access is denied. */
function isFatal(name: string): boolean {
  return name === 'ResourceNotFoundException' || name === 'InvalidArgumentException' || name === 'AccessDeniedException' || name === 'ValidationException';
}
