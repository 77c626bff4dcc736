/*
 * The sweep: what the TTL indexes delete within about a minute, deleted on time. Tombstones whose
 * dedupe window ended, dead letters past their retention — by the server's clock.
 */
import type { Document } from 'mongodb';
import { reached } from './expressions.js';

export function expiredTombstones(): Document {
  return { tomb: true, $expr: reached('heldUntil') };
}

export function expiredDeadLetters(): Document {
  return { expireAt: { $exists: true }, $expr: reached('expireAt') };
}

/** A tombstone of `q` holding one of `keys` whose window ended: free to delete (the key is free again). */
export function freeTombstoneFilter(q: string, keys: readonly string[]): Document {
  return { q, dk: { $in: [...keys] }, tomb: true, $expr: reached('heldUntil') };
}
