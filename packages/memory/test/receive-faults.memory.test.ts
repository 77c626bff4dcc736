// Faults injected into a real memory provider's receive: the consumer must back off, report and
// carry on — never end its loop, lose the message, or spin the event loop.
import { createQueue, type LifecycleEvents, type QueueProvider, type Receiver } from '@mqkit/core';
import { Deliveries, uniqueQueueName, until } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { memory } from '../src/index.js';
import { opened } from './support.js';

/** Wraps `inner` so each receiver's receive() answers with `fault(call)` until that returns undefined. */
function faulty(inner: QueueProvider, fault: (call: number) => (() => Promise<null>) | undefined): QueueProvider {
  return {
    name: inner.name,
    capabilities: inner.capabilities,
    deadLetters: inner.deadLetters,
    open: (context) => inner.open(context),
    publish: (queue, messages, options) => inner.publish(queue, messages, options),
    receiver: (queue, options) => {
      const receiver = inner.receiver(queue, options);
      let calls = 0;
      const wrapped: Receiver = {
        receive: (max, signal) => fault(++calls)?.() ?? receiver.receive(max, signal),
        settle: (claim, settlement) => receiver.settle(claim, settlement),
        renew: (claim, leaseMs) => receiver.renew(claim, leaseMs),
        close: () => receiver.close(),
      };
      return wrapped;
    },
    stats: (queue) => inner.stats(queue),
    close: () => inner.close(),
  };
}

describe('receive faults', () => {
  it('a receive that fails three times is reported as consumer.error with a growing backoff, and the message is then delivered once', async () => {
    const provider = faulty(memory(), (call) => (call <= 3 ? () => Promise.reject(new Error(`broker down (${call})`)) : undefined));
    const queue = await createQueue({ provider });
    opened.push(queue);
    const errors: LifecycleEvents['consumer.error'][] = [];
    queue.lifecycle.add({ 'consumer.error': (e) => void errors.push(e) });
    const name = uniqueQueueName('receive-fault');
    const { ids } = await queue.publish(name, { payload: 'survives the outage' });
    const seen = new Deliveries();
    const consumer = queue.consume(name, seen.processor());
    await until(() => seen.count(ids[0]!) === 1, 10_000, 'delivered after the outage');
    expect(errors.map((e) => [e.operation, e.retryInMs])).toEqual([
      ['receive', 100],
      ['receive', 200],
      ['receive', 400],
    ]);
    expect(errors.map((e) => (e.error as Error).message)).toEqual(['broker down (1)', 'broker down (2)', 'broker down (3)']);
    expect(consumer.state, 'the consumer carried on').toBe('running');
    expect(seen.of(ids[0]!).map((d) => d.message.attempt)).toEqual([1]);
  });

  it('a receive that wrongly answers null without an abort does not freeze the event loop', async () => {
    const nulls = 5_000;
    const provider = faulty(memory(), (call) => (call <= nulls ? () => Promise.resolve(null) : undefined));
    const queue = await createQueue({ provider });
    opened.push(queue);
    const name = uniqueQueueName('receive-null');
    const { ids } = await queue.publish(name, { payload: 'after the nulls' });
    let timerFiredDuringNulls = false;
    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    // Each null costs the slot a macrotask turn, so this timer runs long before 5,000 of them end;
    // a slot that spun in microtasks would answer all 5,000 before any timer could run.
    setTimeout(() => (timerFiredDuringNulls = seen.all.length === 0), 0);
    await until(() => seen.count(ids[0]!) === 1, 20_000, 'delivered after the nulls');
    expect(timerFiredDuringNulls).toBe(true);
  });
});
