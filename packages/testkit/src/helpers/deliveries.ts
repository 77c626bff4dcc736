import type { Message, Outcome, Processor, ProcessorContext } from '@mqkit/core';

/** One message as a processor saw it, with when (`Date.now()`) and in which batch. */
export interface Delivery {
  readonly message: Message;
  readonly at: number;
  readonly batch: number;
  readonly consumerId: string;
}

/**
 * Records every delivery a processor gets, so a case can count deliveries per id and check
 * attempts, order and timing. Wrap a processor with {@link Deliveries.processor}.
 */
export class Deliveries {
  readonly all: Delivery[] = [];
  #batches = 0;

  /** Wraps `inner` (default: ack everything) so each call is recorded before it runs. */
  processor(inner?: (messages: readonly Message[], ctx: ProcessorContext) => ReturnType<Processor>): Processor {
    return (messages, ctx) => {
      const batch = ++this.#batches;
      const at = Date.now();
      for (const message of messages) this.all.push({ message, at, batch, consumerId: ctx.consumerId });
      return inner ? inner(messages, ctx) : undefined;
    };
  }

  get batches(): number {
    return this.#batches;
  }

  of(id: string): Delivery[] {
    return this.all.filter((d) => d.message.id === id);
  }

  count(id: string): number {
    return this.of(id).length;
  }

  /** Distinct message ids delivered at least once. */
  ids(): Set<string> {
    return new Set(this.all.map((d) => d.message.id));
  }

  /** Ids delivered more than once, with their counts. */
  duplicates(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const d of this.all) counts.set(d.message.id, (counts.get(d.message.id) ?? 0) + 1);
    for (const [id, n] of counts) if (n < 2) counts.delete(id);
    return counts;
  }
}

/** Outcomes chosen per message by a function, for processors that settle message by message. */
export function perMessage(decide: (message: Message) => Outcome | undefined): (messages: readonly Message[]) => Array<Outcome | undefined> {
  return (messages) => messages.map(decide);
}
