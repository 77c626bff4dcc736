import type { Claim, Message } from '@mqkit/core';
import type { ListNode } from './linked-list.js';
import type { MessageRecord } from './record.js';

/**
 * A leased batch. The object core holds is the object the store tracks, so fencing is an identity
 * check: only a claim whose node is in its store's list of live claims may settle or renew.
 */
export interface MemoryClaim extends Claim {
  readonly records: readonly MessageRecord[];
  readonly messages: Message[];
  leaseExpiresAt: number;
  /** Its place among the store's live claims; no longer in that list once settled or expired. */
  node: ListNode<MemoryClaim> | undefined;
  /** The provider instance that took it (a crashed instance's claims are left to expire). */
  readonly owner: object;
}
