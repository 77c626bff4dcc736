// MemoryBroker: several providers on one in-process "server" — shared queues, state kept across providers, timers.
import { ConfigError, createQueue } from '@mqkit/core';
import { Deliveries, uniqueQueueName, until } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { MemoryBroker, memory } from '../src/index.js';
import { open, opened } from './support.js';

describe('a MemoryBroker shared by several providers', () => {
  it('two queues on one broker share a queue: what one publishes, the other consumes', async () => {
    const name = uniqueQueueName('shared');
    const broker = new MemoryBroker();
    const publisher = await open({ broker });
    const consumer = await open({ broker });
    const elsewhere = await open({}); // a broker of its own
    const { ids } = await publisher.publish(name, [{ payload: 1 }, { payload: 2 }]);
    expect(await consumer.stats(name)).toMatchObject({ ready: 2 });
    expect(await elsewhere.stats(name), 'another broker is another world').toMatchObject({ ready: 0 });
    const seen = new Deliveries();
    consumer.consume(name, seen.processor());
    await until(() => seen.all.length === 2, 5_000, 'both delivered through the other queue');
    expect(seen.all.map((d) => d.message.id)).toEqual(ids);
    await until(async () => (await publisher.stats(name)).inFlight === 0, 5_000, 'the acks are visible to the publisher');
    expect(await publisher.stats(name)).toMatchObject({ ready: 0, inFlight: 0 });
  });

  it('closing one of two queues on a broker leaves the other working, its delay timers included', async () => {
    const name = uniqueQueueName('shared');
    const broker = new MemoryBroker();
    const leaving = await open({ broker });
    const staying = await open({ broker });
    await leaving.publish(name, { payload: 'before close' });
    await leaving.close();
    const seen = new Deliveries();
    staying.consume(name, seen.processor());
    const delayMs = 100;
    const { ids } = await staying.publish(name, { payload: 'delayed', delayMs });
    await until(() => seen.count(ids[0]!) === 1, delayMs + 5_000, 'the delayed message delivered after the other queue closed');
    const delayed = seen.of(ids[0]!)[0]!;
    expect(delayed.at).toBeGreaterThanOrEqual(delayed.message.runAt);
    expect(seen.all.map((d) => d.message.payload)).toEqual(['before close', 'delayed']);
  });

  it('the broker keeps messages after every provider closed, and a new provider on it gets them, a delayed one when it comes due', async () => {
    const name = uniqueQueueName('shared');
    const broker = new MemoryBroker();
    const first = await open({ broker });
    const delayMs = 300;
    const { ids: [readyId] } = await first.publish(name, { payload: 'ready' });
    const { ids: [delayedId] } = await first.publish(name, { payload: 'delayed', delayMs });
    await first.close(); // the last provider on the broker: its timers stop
    expect(broker.has(name)).toBe(true);

    const second = await open({ broker });
    expect(await second.stats(name)).toMatchObject({ ready: 1, delayed: 1 });
    const seen = new Deliveries();
    second.consume(name, seen.processor());
    await until(() => seen.count(readyId!) === 1, 5_000, 'the ready message delivered to the new provider');
    await until(() => seen.count(delayedId!) === 1, delayMs + 5_000, 'the delayed message fires: the timers resumed');
    const delayed = seen.of(delayedId!)[0]!;
    expect(delayed.message.payload).toBe('delayed');
    expect(delayed.at, 'not before its runAt').toBeGreaterThanOrEqual(delayed.message.runAt);
    expect(delayed.message.runAt - delayed.message.createdAt).toBe(delayMs);
    expect(delayed.message.attempt).toBe(1);
  });

  it('a provider with a different dedupeWindowMs than those already on the broker is refused with a ConfigError', async () => {
    const broker = new MemoryBroker();
    await open({ broker, dedupeWindowMs: 0 });
    const error = await createQueue({ provider: memory({ broker, dedupeWindowMs: 500 }) }).then(
      (queue) => (opened.push(queue), undefined),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('memory.dedupeWindowMs');
    await open({ broker, dedupeWindowMs: 0 }); // the same window is fine
  });

  it('closing a provider the broker refused leaves the timers of the providers on it running', async () => {
    const name = uniqueQueueName('shared');
    const broker = new MemoryBroker();
    const staying = await open({ broker });
    const seen = new Deliveries();
    staying.consume(name, seen.processor());
    const { ids } = await staying.publish(name, { payload: 'delayed', delayMs: 200 });
    const refused = memory({ broker, dedupeWindowMs: 500 });
    await expect(createQueue({ provider: refused })).rejects.toBeInstanceOf(ConfigError);
    await refused.close(); // cleanup code may close a provider whose queue could not be made
    await until(() => seen.count(ids[0]!) === 1, 5_000, 'the delayed message fires for the provider still open');
    expect(refused.alive, 'a provider whose open failed is not alive').toBe(false);
  });

  it('one provider instance cannot be opened by two queues', async () => {
    const name = uniqueQueueName('shared');
    const provider = memory();
    const first = await createQueue({ provider });
    opened.push(first);
    const error = await createQueue({ provider }).then(
      (queue) => (opened.push(queue), undefined),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('provider');
    await first.publish(name, { payload: 'still works' });
    expect(await first.pull(name, () => undefined)).toMatchObject({ received: 1, acked: 1 });
  });

  it('a queue exists in the broker once it is used, not before', async () => {
    const used = uniqueQueueName('shared');
    const unused = uniqueQueueName('shared');
    const broker = new MemoryBroker();
    const queue = await open({ broker });
    expect(broker.has(used)).toBe(false);
    await queue.stats(used);
    expect(broker.has(used), 'inspecting a queue makes its store').toBe(true);
    expect(broker.has(unused)).toBe(false);
  });
});
