/**
 * The demo's typed queues. Augmenting `QueueRegistry` makes `queue.publish('orders', …)` and
 * `queue.consume('orders', …)` type-checked: a wrong queue name or payload shape is a compile error.
 */

/**
 * How a message misbehaves, so the demo can show retries and dead letters deterministically.
 * A real application has no such field: its failures come from the outside world.
 */
export interface Simulation {
  /** Fail the first `failTimes` deliveries, then succeed (a flaky dependency). */
  readonly failTimes?: number;
  /** Fail for good on the first delivery (bad data): straight to the dead-letter store. */
  readonly poison?: boolean;
}

export interface OrderCreated {
  readonly orderId: string;
  readonly customerId: string;
  readonly totalCents: number;
  readonly simulate?: Simulation;
}

export interface EmailSend {
  readonly to: string;
  readonly template: 'welcome' | 'receipt' | 'reminder';
  readonly simulate?: Simulation;
}

export interface ReportRender {
  readonly reportId: string;
  readonly format: 'pdf' | 'csv';
  readonly simulate?: Simulation;
}

declare module '@mqkit/core' {
  interface QueueRegistry {
    orders: OrderCreated;
    emails: EmailSend;
    reports: ReportRender;
  }
}

export const QUEUES = ['orders', 'emails', 'reports'] as const;
export type DemoQueue = (typeof QUEUES)[number];

/** The message `type` used on each queue (a queue may carry several types; here one each). */
export const MESSAGE_TYPE = {
  orders: 'order.created',
  emails: 'email.send',
  reports: 'report.render',
} as const satisfies Record<DemoQueue, string>;
