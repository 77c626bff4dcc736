/**
 * The typed queues, as in docs/getting-started.md "Declare your queues": augmenting `QueueRegistry`
 * once makes `queue.publish('orders', …)` and `queue.consume('orders', …)` type-checked. A wrong
 * queue name or a payload without `orderId` is a compile error.
 */
export interface OrderCreated {
  orderId: string;
  totalCents: number;
}

declare module '@mqkit/core' {
  interface QueueRegistry {
    orders: OrderCreated;
    emails: { to: string; template: 'welcome' | 'receipt' };
  }
}
