import { ack, deadLetter, PermanentError, retry, type Processor, type Queue } from '@mqkit/core';

/** What one order looks like on the `orders` queue. */
export interface Order {
  readonly orderId: string;
  readonly totalCents: number;
}

declare module '@mqkit/core' {
  interface QueueRegistry {
    orders: Order;
  }
}

export interface WorkloadOptions {
  /** Orders published per second. */
  readonly ratePerSecond: number;
}

/**
 * A small, steady, realistic mix, so every panel of the dashboard has something to show: most
 * orders are processed in a few ms, about 1 in 20 fails once and is retried, about 1 in 200 is
 * refused for good (dead-lettered), and about 1 in 500 makes its batch hang past the consumer's
 * deadline while ignoring the abort signal (a timeout, then an overrun when it finally returns).
 */
export function orderProcessor(timeoutMs: number): Processor<Order> {
  return async (messages) => {
    if (messages.some((m) => m.attempt === 1 && fraction(m.payload.orderId) > 0.998)) {
      // Stands in for a driver call made without ctx.signal: it keeps its slot past the deadline.
      await new Promise((resolve) => setTimeout(resolve, timeoutMs + 500));
    }
    await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8));
    return messages.map((m) => {
      const roll = fraction(m.payload.orderId);
      if (roll < 0.005) return deadLetter(new PermanentError(`order ${m.payload.orderId} has a negative total`));
      if (roll < 0.055 && m.attempt === 1) return retry(new Error('payment gateway busy'), { delayMs: 200 });
      return ack();
    });
  };
}

/** A stable pseudo-random number in [0, 1) per order id. */
function fraction(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}

/** Publishes `ratePerSecond` orders a second, in ten batches, until the signal aborts. */
export async function produce(queue: Queue, options: WorkloadOptions, signal: AbortSignal): Promise<number> {
  let seq = 0;
  const perTick = Math.max(1, Math.round(options.ratePerSecond / 10));
  while (!signal.aborted) {
    const batch = Array.from({ length: perTick }, () => {
      const orderId = `o-${++seq}`;
      return { payload: { orderId, totalCents: 100 + (seq % 900) }, partitionKey: `customer-${seq % 50}` };
    });
    await queue.publish('orders', batch);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return seq;
}
