import type { Message } from '@mqkit/core';
import type { QueueCells } from './metric-set.js';

/** One batch a consumer of this process holds, from `lease.acquired` until its slot is free. */
interface ClaimRecord {
  readonly id: string;
  readonly consumerId: string;
  readonly q: QueueCells;
  /** `lease.acquired.at`: the start of the batch. */
  readonly startedAt: number;
  /** The batch's first message, as `message.received` handed it (processor events name the batch by its messages). */
  first: Message | undefined;
  /** Its lease was released, lost or given up. */
  settled: boolean;
  /** `processor.timeout` came and `processor.overrun` (the processor returning) has not. */
  timedOut: boolean;
  /** Counted in busySlots. */
  busy: boolean;
}

/** A leak guard: records beyond this (a consumer whose claims never end) drop the oldest. */
const MAX_RECORDS = 100_000;

/**
 * Which concurrency slots are busy, from lifecycle events alone. A slot is busy from
 * `lease.acquired` (kind `claim`) until the batch is settled (`lease.released`, `lease.lost`, or a
 * settle core gave up on) — or, for a processor that timed out, until it really returns
 * (`processor.overrun`): JavaScript cannot stop it, and it keeps its slot meanwhile.
 *
 * Core names a claim by id in lease events and by its messages in processor events; the two are
 * joined at `message.received`, which core emits right after the claim's `lease.acquired`.
 */
export class ClaimSlots {
  readonly #byId = new Map<string, ClaimRecord>();
  readonly #byFirst = new Map<Message, ClaimRecord>();
  #lastOpened: ClaimRecord | undefined;

  /** `lease.acquired` of a claim. */
  open(q: QueueCells, id: string, consumerId: string, at: number): void {
    if (this.#byId.has(id)) return;
    const record: ClaimRecord = { id, consumerId, q, startedAt: at, first: undefined, settled: false, timedOut: false, busy: true };
    this.#byId.set(id, record);
    this.#lastOpened = record;
    q.busySlots.value++;
    q.leasesHeld.claim.value++;
    if (this.#byId.size > MAX_RECORDS) this.#free(this.#byId.values().next().value!);
  }

  /** `message.received`: joins the batch's messages to the claim just opened. */
  received(q: QueueCells, consumerId: string, messages: readonly Message[]): void {
    const record = this.#lastOpened;
    this.#lastOpened = undefined;
    const first = messages[0];
    if (record === undefined || first === undefined || record.q !== q || record.consumerId !== consumerId || record.settled) return;
    record.first = first;
    this.#byFirst.set(first, record);
  }

  /** `processor.timeout`: the processor keeps its slot until it returns. */
  timedOut(messages: readonly Message[]): void {
    const record = this.#record(messages);
    if (record === undefined || record.timedOut) return;
    record.timedOut = true;
    record.q.overrunning.value++;
  }

  /** `processor.overrun`: a processor whose batch was decided returned. */
  returned(messages: readonly Message[]): void {
    const record = this.#record(messages);
    if (record === undefined) return;
    if (record.timedOut) {
      record.timedOut = false;
      record.q.overrunning.value--;
    }
    if (record.settled) this.#free(record);
  }

  /** `lease.released` / `lease.lost` of a claim: returns the record (for the batch's duration), or undefined. */
  settled(id: string): ClaimRecord | undefined {
    const record = this.#byId.get(id);
    if (record === undefined) return undefined;
    this.#settle(record);
    return record;
  }

  /** `consumer.error` for a settle core gave up on: the oldest unsettled claim of that consumer ended. */
  gaveUp(consumerId: string): void {
    for (const record of this.#byId.values()) {
      if (record.consumerId === consumerId && !record.settled) return this.#settle(record);
    }
  }

  /** `consumer.stopped`: none of its claims holds a slot any more (timed-out processors still count as overrunning). */
  stopped(consumerId: string): void {
    for (const record of [...this.#byId.values()]) {
      if (record.consumerId !== consumerId) continue;
      if (!record.settled) {
        record.settled = true;
        record.q.leasesHeld.claim.value--;
      }
      this.#release(record);
      this.#byId.delete(record.id);
      if (!record.timedOut) this.#forget(record);
    }
  }

  get size(): number {
    return this.#byId.size + this.#byFirst.size;
  }

  #record(messages: readonly Message[]): ClaimRecord | undefined {
    const first = messages[0];
    return first === undefined ? undefined : this.#byFirst.get(first);
  }

  #settle(record: ClaimRecord): void {
    if (record.settled) return;
    record.settled = true;
    record.q.leasesHeld.claim.value--;
    this.#byId.delete(record.id);
    if (!record.timedOut) this.#free(record);
  }

  #free(record: ClaimRecord): void {
    this.#release(record);
    if (!record.settled) {
      record.settled = true;
      record.q.leasesHeld.claim.value--;
    }
    this.#byId.delete(record.id);
    this.#forget(record);
  }

  #release(record: ClaimRecord): void {
    if (!record.busy) return;
    record.busy = false;
    record.q.busySlots.value--;
  }

  #forget(record: ClaimRecord): void {
    if (record.first !== undefined) this.#byFirst.delete(record.first);
  }
}

export type { ClaimRecord };
