import type { Claim, Message } from '@mqkit/core';
import type { Linked } from './linked-list.js';
import type { MessageRecord } from './record.js';

/**
 * A leased batch. The object core holds is the object the store tracks, so fencing is an identity
 * check: only a claim in its store's list of live claims may settle or renew.
 * `id` and `token` are made when read (core reads them for lease events and error messages only):
 * two strings per claim are a good part of what a one-message claim costs.
 */
export class MemoryClaim implements Claim, Linked<MemoryClaim> {
  /** The store's list of live claims while it is live (left once settled or expired), and its neighbours there. */
  list: object | undefined = undefined;
  prev: MemoryClaim | undefined = undefined;
  next: MemoryClaim | undefined = undefined;

  constructor(
    /** The queue's name, for the id. */
    private readonly queue: string,
    /** The claim's number in its queue, from 1. */
    private readonly seq: number,
    readonly records: readonly MessageRecord[],
    readonly messages: Message[],
    public leaseExpiresAt: number,
    /** The provider instance that took it (a crashed instance's claims are left to expire). */
    readonly owner: object,
  ) {}

  /** The memory provider has no shards. */
  get shardId(): undefined {
    return undefined;
  }

  get id(): string {
    return `${this.queue}#${this.seq}`;
  }

  get token(): string {
    return String(this.seq);
  }
}
