import type { DeadLetterReason, Queue, QueueStats } from '@mqkit/core';
import { QUEUES } from './registry.js';

/** What the queue itself says after the run, to check the event counts against. */
export interface StoreView {
  /** Dead letters found by paging through `queue.deadLetters.list`, per queue. */
  readonly deadLetters: Record<string, number>;
  readonly deadByReason: Map<DeadLetterReason, number>;
  readonly stats: readonly QueueStats[];
}

export async function readStore(queue: Queue): Promise<StoreView> {
  const deadLetters: Record<string, number> = {};
  const deadByReason = new Map<DeadLetterReason, number>();
  const stats: QueueStats[] = [];
  for (const name of QUEUES) {
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await queue.deadLetters.list(name, { limit: 1_000, cursor });
      for (const dead of page.items) {
        count++;
        deadByReason.set(dead.reason, (deadByReason.get(dead.reason) ?? 0) + 1);
      }
      cursor = page.next;
    } while (cursor !== undefined);
    deadLetters[name] = count;
    stats.push(await queue.stats(name));
  }
  return { deadLetters, deadByReason, stats };
}
