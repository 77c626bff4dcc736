import {
  ack,
  deadLetter,
  eachMessage,
  PermanentError,
  retry,
  RetryableError,
  type Message,
  type Outcome,
  type Processor,
} from '@mqkit/core';
import type { EmailSend, OrderCreated, ReportRender, Simulation } from './registry.js';

/**
 * The demo's three processors, one per settle style:
 * - orders: a per-message handler (`eachMessage`) that throws — a plain Error is retried, a
 *   PermanentError dead-letters at once;
 * - emails: a batch processor returning one outcome per message (ack / retry with a
 *   RetryableError that picks its own delay / explicit dead-letter);
 * - reports: a batch processor that throws for the whole batch (run with batchSize 1).
 */

/** Does this delivery fail, and how? `undefined` = it succeeds. */
function failure(simulate: Simulation | undefined, attempt: number): 'poison' | 'transient' | undefined {
  if (simulate === undefined) return undefined;
  if (simulate.poison === true) return 'poison';
  if (attempt <= (simulate.failTimes ?? 0)) return 'transient';
  return undefined;
}

export const handleOrders: Processor<OrderCreated> = eachMessage<OrderCreated>((message) => {
  const { orderId, totalCents, simulate } = message.payload;
  switch (failure(simulate, message.attempt)) {
    case 'poison':
      throw new PermanentError(`order ${orderId}: total ${totalCents} fails validation`);
    case 'transient':
      throw new Error(`order ${orderId}: payment gateway timed out`);
  }
  // Reserve stock, charge the card, … (nothing, in a demo).
});

export const handleEmails: Processor<EmailSend> = (messages: readonly Message<EmailSend>[]): Outcome[] =>
  messages.map((message) => {
    const { to, simulate } = message.payload;
    switch (failure(simulate, message.attempt)) {
      case 'poison':
        return deadLetter(new PermanentError(`mailbox ${to} does not exist`));
      case 'transient':
        return retry(new RetryableError(`SMTP 421 for ${to}: try again later`, { delayMs: 30 }));
      default:
        return ack();
    }
  });

export const handleReports: Processor<ReportRender> = async (messages) => {
  for (const message of messages) {
    const { reportId, simulate } = message.payload;
    switch (failure(simulate, message.attempt)) {
      case 'poison':
        throw new PermanentError(`report ${reportId}: template is missing`);
      case 'transient':
        throw new Error(`report ${reportId}: renderer is busy`);
    }
  }
  await Promise.resolve(); // render (nothing, in a demo)
};
