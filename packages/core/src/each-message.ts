import { ack, retry, type Outcome } from './contracts/outcome.js';
import type { Message } from './contracts/message.js';
import type { Processor, ProcessorContext } from './contracts/processor.js';

/**
 * Adapts a one-message handler to a batch {@link Processor}: messages run one after another (so
 * order within the batch is kept) and each one's throw becomes its own outcome — a bad message
 * never fails its neighbours. Stops early when `ctx.signal` aborts; the rest are left unsettled
 * as retries.
 */
export function eachMessage<P>(handler: (message: Message<P>, ctx: ProcessorContext) => Promise<void> | void): Processor<P> {
  return async (messages, ctx) => {
    const outcomes = new Array<Outcome>(messages.length);
    for (let i = 0; i < messages.length; i++) {
      if (ctx.signal.aborted) {
        for (let j = i; j < messages.length; j++) outcomes[j] = retry(ctx.signal.reason);
        break;
      }
      try {
        await handler(messages[i]!, ctx);
        outcomes[i] = ack();
      } catch (error) {
        outcomes[i] = retry(error);
      }
    }
    return outcomes;
  };
}
