import type { Claim, Message } from '@mqkit/core';
import type { MessageRecord } from './record.js';

/**
 * A leased batch. The object core holds is the object the store tracks, so fencing is an identity
 * check: only the live claim registered under its id may settle or renew.
 */
export interface MemoryClaim extends Claim {
  readonly records: readonly MessageRecord[];
  readonly messages: Message[];
  leaseExpiresAt: number;
  live: boolean;
  /** The provider instance that took it (a crashed instance's claims are left to expire). */
  readonly owner: object;
}
