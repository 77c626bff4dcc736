// memory({ capacity }) and publish({ onFull, signal }): what counts toward the bound, and how waiting publishers are served.
import { ClosedError, ErrorCode, QueueFullError, ValidationError, type OutgoingMessage, type Queue } from '@mqkit/core';
import { Deliveries, deferred, uniqueQueueName, until, within } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { holds, open, thrownBy, turns } from './support.js';

function batch(n: number, tag: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage[] {
  return Array.from({ length: n }, (_, i) => ({ payload: `${tag}-${i}`, ...extra }));
}

/** A promise and whether it has settled yet (and how). */
function track<T>(promise: Promise<T>): { readonly promise: Promise<T>; readonly state: () => 'pending' | 'resolved' | 'rejected' } {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  return { promise, state: () => state };
}

/** Messages the queue holds waiting (what capacity bounds): ready (parked included) + delayed. */
async function waiting(queue: Queue, name: string): Promise<number> {
  const stats = await queue.stats(name);
  return (stats.ready ?? 0) + (stats.delayed ?? 0);
}

describe('capacity and backpressure', () => {
  it('a batch larger than the capacity is refused with a ValidationError naming messages, whatever onFull says, and nothing is stored', async () => {
    const name = uniqueQueueName('capacity');
    const queue = await open({ capacity: 10 });
    for (const onFull of ['wait', 'reject'] as const) {
      const error = await thrownBy(() => queue.publish(name, batch(11, 'big'), { onFull }), `onFull: '${onFull}'`);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe('messages');
      expect((error as ValidationError).message).toContain('capacity 10');
    }
    expect(await queue.stats(name)).toMatchObject({ ready: 0, delayed: 0 });
    await queue.publish(name, batch(10, 'exactly'), { onFull: 'reject' });
    expect(await queue.stats(name)).toMatchObject({ ready: 10 });
  });

  it("a publish to a full queue with onFull: 'reject' throws QueueFullError (MQKIT_QUEUE_FULL, retryable) and stores nothing", async () => {
    const name = uniqueQueueName('capacity');
    const queue = await open({ capacity: 10 });
    await queue.publish(name, batch(10, 'fill'));
    const error = await thrownBy(() => queue.publish(name, { payload: 'one too many' }, { onFull: 'reject' }), 'publish to a full queue');
    expect(error).toBeInstanceOf(QueueFullError);
    const full = error as QueueFullError;
    expect(full.code).toBe(ErrorCode.QueueFull);
    expect(full.retryable).toBe(true);
    expect(full.queue).toBe(name);
    expect(full.capacity).toBe(10);
    expect(await queue.stats(name)).toMatchObject({ ready: 10 });
  });

  it('a publish to a full queue waits by default until a consumer takes messages, then stores its message, which is delivered', async () => {
    const name = uniqueQueueName('capacity');
    const queue = await open({ capacity: 10 });
    await queue.publish(name, batch(10, 'fill'));
    const late = track(queue.publish(name, { payload: 'late' }));
    await turns();
    expect(late.state(), 'the publish is still waiting for room').toBe('pending');
    expect(await queue.stats(name)).toMatchObject({ ready: 10 });

    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    const result = await within(late.promise, 5_000, 'the waiting publish resolves once a consumer takes messages');
    const lateId = result.ids[0]!;
    await until(() => seen.all.length === 11, 5_000, () => `all 11 messages delivered (got ${seen.all.length})`);
    expect(seen.count(lateId)).toBe(1);
    expect(seen.all.map((d) => d.message.payload).at(-1), 'the late message comes after those already queued').toBe('late');
  });

  it("onFull: 'wait' given explicitly waits for room the same way", async () => {
    const name = uniqueQueueName('capacity');
    const queue = await open({ capacity: 2 });
    await queue.publish(name, batch(2, 'fill'));
    const late = track(queue.publish(name, { payload: 'late' }, { onFull: 'wait' }));
    await turns();
    expect(late.state()).toBe('pending');
    await queue.pull(name, () => undefined);
    await within(late.promise, 5_000, 'the waiting publish resolves after a pull took a message');
    expect(await queue.stats(name)).toMatchObject({ ready: 2 });
  });

  it("a waiting publish rejects with its signal's reason when the signal aborts, and its messages are never stored", async () => {
    const name = uniqueQueueName('capacity');
    const queue = await open({ capacity: 3 });
    await queue.publish(name, batch(3, 'fill'));
    const controller = new AbortController();
    const aborted = track(queue.publish(name, batch(2, 'cancelled'), { signal: controller.signal }));
    await turns();
    expect(aborted.state()).toBe('pending');
    const reason = new Error('the caller gave up');
    controller.abort(reason);
    await expect(within(aborted.promise, 5_000, 'the aborted publish settles')).rejects.toBe(reason);

    // Room appears: the aborted publish must not slip in, and it must not block the next publisher.
    const next = track(queue.publish(name, { payload: 'next' }));
    const pulled = await queue.pull(name, () => undefined, { max: 2 });
    expect(pulled.received).toBe(2);
    await within(next.promise, 5_000, 'the publish waiting behind the aborted one gets through');
    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    await until(() => seen.all.length === 2, 5_000, 'the remaining messages delivered');
    await turns();
    expect(seen.all.map((d) => d.message.payload)).toEqual(['fill-2', 'next']);
  });

  it('a publish whose signal is already aborted does not wait for room: it rejects at once with the reason and stores nothing', async () => {
    const name = uniqueQueueName('capacity');
    const queue = await open({ capacity: 2 });
    await queue.publish(name, batch(2, 'fill'));
    const controller = new AbortController();
    const reason = new Error('cancelled before publishing');
    controller.abort(reason);
    const publish = track(queue.publish(name, { payload: 'must not be stored' }, { signal: controller.signal }));
    await turns();
    expect(publish.state(), 'a publish with an aborted signal must not wait for room').toBe('rejected');
    await expect(publish.promise).rejects.toBe(reason);
    await queue.pull(name, () => undefined);
    await turns();
    expect(await queue.stats(name), 'room appeared later: the cancelled message was still not stored').toMatchObject({ ready: 1 });
  });

  it('waiting publishers are served in arrival order: a small publish does not overtake a larger one that waited first', async () => {
    const name = uniqueQueueName('capacity');
    const queue = await open({ capacity: 10 });
    await queue.publish(name, batch(10, 'old'));
    const order: string[] = [];
    const big = track(queue.publish(name, batch(5, 'big')).then((r) => (order.push('big'), r)));
    const small = track(queue.publish(name, batch(1, 'small')).then((r) => (order.push('small'), r)));
    await turns();
    expect([big.state(), small.state()]).toEqual(['pending', 'pending']);

    await queue.pull(name, () => undefined); // room for the small one, not for the big one ahead of it
    await turns();
    expect(small.state(), 'the small publish waits behind the big one').toBe('pending');
    expect(big.state()).toBe('pending');

    await queue.pull(name, () => undefined, { max: 4 }); // now the big one fits
    await within(big.promise, 5_000, 'the first waiting publisher gets in once it fits');
    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    await within(small.promise, 5_000, 'the second waiting publisher gets in');
    await until(() => seen.all.length === 11, 5_000, () => `every message delivered (got ${seen.all.length})`);
    expect(order).toEqual(['big', 'small']);
    const expected = ['old-5', 'old-6', 'old-7', 'old-8', 'old-9', 'big-0', 'big-1', 'big-2', 'big-3', 'big-4', 'small-0'];
    expect(seen.all.map((d) => d.message.payload), 'delivered in the order the publishers got in').toEqual(expected);
  });

  it('waiting publishers of one message each get in one per freed slot, in arrival order', async () => {
    const name = uniqueQueueName('capacity');
    const queue = await open({ capacity: 10 });
    await queue.publish(name, batch(10, 'old'));
    const order: string[] = [];
    const waiters = ['a', 'b', 'c'].map((tag) => track(queue.publish(name, { payload: tag }).then(() => void order.push(tag))));
    await turns();
    expect(waiters.map((w) => w.state())).toEqual(['pending', 'pending', 'pending']);
    for (let freed = 1; freed <= 3; freed++) {
      await queue.pull(name, () => undefined); // one slot of room
      await until(() => order.length >= freed, 5_000, `publisher ${freed} gets in`);
      await turns();
      expect(order.length, 'one slot lets one publisher in').toBe(freed);
      expect(await waiting(queue, name)).toBe(10);
    }
    expect(order, 'in the order they started waiting').toEqual(['a', 'b', 'c']);
  });

  it('a publish waiting for room rejects with ClosedError when its queue closes', async () => {
    const name = uniqueQueueName('capacity');
    const queue = await open({ capacity: 1 });
    await queue.publish(name, { payload: 'fill' });
    const stuck = track(queue.publish(name, { payload: 'never stored' }));
    await turns();
    expect(stuck.state()).toBe('pending');
    await queue.close({ timeoutMs: 100 });
    const error = await within(
      stuck.promise.then(
        () => undefined,
        (e: unknown) => e,
      ),
      5_000,
      'the waiting publish settles when the queue closes',
    );
    expect(error).toBeInstanceOf(ClosedError);
    expect((error as ClosedError).code).toBe(ErrorCode.Closed);
  });

  it('a message dropped as expired makes room for a waiting publisher', async () => {
    const name = uniqueQueueName('capacity');
    const queue = await open({ capacity: 1 });
    const ttlMs = 50;
    const publishedAt = Date.now();
    await queue.publish(name, { payload: 'expires', ttlMs });
    const late = track(queue.publish(name, { payload: 'late' }));
    await until(() => Date.now() >= publishedAt + ttlMs + 10, 5_000, 'the first message to expire');
    expect(late.state()).toBe('pending');
    const pulled = await queue.pull(name, () => undefined);
    expect(pulled.received, 'the expired message is dropped, not delivered').toBe(0);
    await within(late.promise, 5_000, 'the waiting publish gets the room the expired message left');
    expect(await queue.stats(name)).toMatchObject({ ready: 1 });
  });

  it('several waiting publishers together never push the queue past its capacity', async () => {
    const name = uniqueQueueName('capacity');
    const queue = await open({ capacity: 10 });
    await queue.publish(name, batch(10, 'old'));
    const first = track(queue.publish(name, batch(5, 'first')));
    const second = track(queue.publish(name, batch(5, 'second')));
    await turns();
    await queue.pull(name, () => undefined, { max: 5 }); // room for exactly one of the two batches
    await within(first.promise, 5_000, 'the first waiting publisher gets in');
    await turns();
    expect(await waiting(queue, name), 'messages waiting in a queue of capacity 10').toBeLessThanOrEqual(10);
    expect(second.state(), 'the second batch waits for the next room').toBe('pending');
  });

  it('in-flight messages do not count toward capacity', async () => {
    const name = uniqueQueueName('capacity');
    const queue = await open({ capacity: 10 });
    await queue.publish(name, batch(10, 'leased'));
    const hold = deferred();
    holds.push(hold);
    const seen = new Deliveries();
    queue.consume(
      name,
      seen.processor(() => hold.promise),
      { batchSize: 10 },
    );
    await until(() => seen.all.length === 10, 5_000, 'all ten leased in one batch');
    expect(await queue.stats(name)).toMatchObject({ ready: 0, inFlight: 10 });
    await queue.publish(name, batch(10, 'more'), { onFull: 'reject' });
    expect(await queue.stats(name)).toMatchObject({ ready: 10, inFlight: 10 });
    const error = await thrownBy(() => queue.publish(name, { payload: 'over' }, { onFull: 'reject' }), 'the 11th waiting message');
    expect(error).toBeInstanceOf(QueueFullError);
  });

  it('delayed messages and messages parked behind their partition key count toward capacity', async () => {
    const delayedName = uniqueQueueName('capacity-delayed');
    const orderedName = uniqueQueueName('capacity-parked');
    const queue = await open({ capacity: 3 });
    await queue.publish(delayedName, batch(3, 'later', { delayMs: 3_600_000 }));
    expect(await queue.stats(delayedName)).toMatchObject({ ready: 0, delayed: 3 });
    expect(await thrownBy(() => queue.publish(delayedName, { payload: 'over' }, { onFull: 'reject' }), 'publish over delayed messages')).toBeInstanceOf(QueueFullError);

    const hold = deferred();
    holds.push(hold);
    const seen = new Deliveries();
    queue.consume(
      orderedName,
      seen.processor(() => hold.promise),
      { ordered: true, concurrency: 2 },
    );
    await queue.publish(orderedName, batch(3, 'keyed', { partitionKey: 'k' }));
    await until(() => seen.all.length >= 1, 5_000, 'the first keyed message in flight');
    await turns();
    expect(await queue.stats(orderedName), 'two parked behind the one in flight').toMatchObject({ ready: 2, inFlight: 1 });
    await queue.publish(orderedName, { payload: 'fits', partitionKey: 'k' }, { onFull: 'reject' });
    expect(await thrownBy(() => queue.publish(orderedName, { payload: 'over', partitionKey: 'k' }, { onFull: 'reject' }), 'publish over parked messages')).toBeInstanceOf(QueueFullError);
    expect(seen.all.length, 'nothing else of the key was delivered').toBe(1);
  });
});
