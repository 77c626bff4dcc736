import { ErrorCode, isMqkitError, type OutgoingMessage, type Queue } from '@mqkit/core';

/**
 * Publishes a batch whatever the backend does meanwhile (a fault test's publisher): a batch that
 * failed is sent again, every 100 ms, up to `tries` times. Give every message an explicit id: a
 * batch is stored atomically per message, so a DuplicateIdError on a retry means an earlier try did
 * store it.
 */
export async function publishSurely(queue: Queue, name: string, messages: readonly OutgoingMessage[], tries = 600): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await queue.publish(name, [...messages]);
      return;
    } catch (error) {
      if (isMqkitError(error, ErrorCode.DuplicateId)) return;
      if (attempt >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
