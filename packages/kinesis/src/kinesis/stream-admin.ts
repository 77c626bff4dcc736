import { UnknownQueueError, sleep } from '@mqkit/core';
import { isInUse } from './aws-errors.js';
import type { KinesisApi } from './kinesis-api.js';

/**
 * Makes sure a stream can be read and written: waits while it is being created or updated, and
 * creates it when the provider is allowed to (`createStreams`). A missing stream without that is
 * an `UnknownQueueError` (not retryable: a consumer stops instead of polling a stream that is not there).
 */
export async function ensureStream(api: KinesisApi, queue: string, stream: string, create: { shardCount: number } | undefined, signal?: AbortSignal): Promise<void> {
  for (let waited = 0; ; waited++) {
    const status = await api.streamStatus(stream);
    if (status === 'ACTIVE' || status === 'UPDATING') return;
    if (status === undefined) {
      if (create === undefined) {
        throw new UnknownQueueError(queue, `create the Kinesis stream "${stream}" first, or pass createStreams: { shardCount } to create missing streams (for development and tests)`, { source: 'kinesis' });
      }
      try {
        await api.createStream(stream, create.shardCount);
      } catch (error) {
        if (!isInUse(error)) throw error; // another process is creating it: wait for it too
      }
    }
    if (signal?.aborted) return;
    await sleep(Math.min(1_000, 10 * 2 ** Math.min(waited, 7)));
  }
}
