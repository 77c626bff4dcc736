/*
 * stats() as five cheap reads, each answered by an index: counts of the claim index's ranges
 * (ready: claimable now, including leases that ran out; delayed: waiting for their due time;
 * in flight: leased), the first ready message (lag), and the live dead letters.
 */
import type { Filter } from 'mongodb';
import type { MessageDoc } from '../documents.js';

export function statsFilters(q: string, estimatedNow: Date): { ready: Filter<MessageDoc>; delayed: Filter<MessageDoc>; inFlight: Filter<MessageDoc> } {
  return {
    ready: { q, visibleAt: { $lte: estimatedNow } },
    delayed: { q, visibleAt: { $gt: estimatedNow }, token: null },
    inFlight: { q, visibleAt: { $gt: estimatedNow }, token: { $ne: null } },
  };
}

/** How long the oldest ready message has waited (ms, ≥ 0): now minus its due time, or 0 when nothing is ready. */
export function lagMs(first: Pick<MessageDoc, 'dueAt' | 'visibleAt'> | null, estimatedNow: number): number {
  if (first === null) return 0;
  return Math.max(0, Math.round(estimatedNow - Math.min(first.dueAt.getTime(), first.visibleAt.getTime())));
}
