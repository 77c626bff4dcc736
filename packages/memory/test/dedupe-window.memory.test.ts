// memory({ dedupeWindowMs }): how long a dedupe key is held, through acks, dead letters and replays.
import { ConfigError, createQueue, PermanentError, type PublishResult, type Queue } from '@mqkit/core';
import { uniqueQueueName, until } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { MemoryBroker, memory } from '../src/index.js';
import { open, opened } from './support.js';

const WINDOW_MS = 200;

/** Publishes one message with dedupe key `key`. */
function publishKeyed(queue: Queue, name: string, key: string, payload: unknown = key): Promise<PublishResult> {
  return queue.publish(name, { payload, dedupeKey: key });
}

/** Pulls one message and acks it. */
async function ackOne(queue: Queue, name: string): Promise<void> {
  expect(await queue.pull(name, () => undefined)).toMatchObject({ received: 1, acked: 1 });
}

/** Pulls one message and dead-letters it. */
async function deadLetterOne(queue: Queue, name: string): Promise<void> {
  const result = await queue.pull(name, () => {
    throw new PermanentError('cannot be processed');
  });
  expect(result).toMatchObject({ received: 1, deadLettered: 1 });
}

function expectDuplicateOf(result: PublishResult, id: string, key: string): void {
  expect(result.duplicates).toEqual([{ index: 0, id, dedupeKey: key }]);
  expect(result.ids).toEqual([id]);
}

function expectAccepted(result: PublishResult, notId: string): string {
  expect(result.duplicates).toEqual([]);
  expect(result.ids[0]).not.toBe(notId);
  return result.ids[0]!;
}

describe('dedupeWindowMs', () => {
  it('with dedupeWindowMs 0 (the default), a key is held while its message is queued and free again as soon as it is acked', async () => {
    const name = uniqueQueueName('dedupe');
    const queue = await open({});
    const { ids } = await publishKeyed(queue, name, 'order-1');
    const original = ids[0]!;
    expectDuplicateOf(await publishKeyed(queue, name, 'order-1'), original, 'order-1');
    await ackOne(queue, name);
    expectAccepted(await publishKeyed(queue, name, 'order-1'), original);
    expect(await queue.stats(name)).toMatchObject({ ready: 1 });
  });

  it('with a window, a re-publish inside it is a duplicate of the original, and the key is accepted again once the window has passed', async () => {
    const name = uniqueQueueName('dedupe');
    const queue = await open({ dedupeWindowMs: WINDOW_MS });
    const { ids } = await publishKeyed(queue, name, 'order-1');
    const original = ids[0]!;
    const beforeAck = Date.now();
    await ackOne(queue, name);
    expectDuplicateOf(await publishKeyed(queue, name, 'order-1'), original, 'order-1');
    expect(await queue.stats(name), 'the duplicate is not stored').toMatchObject({ ready: 0, inFlight: 0 });

    let accepted: PublishResult | undefined;
    let acceptedAt = 0;
    await until(
      async () => {
        const result = await publishKeyed(queue, name, 'order-1');
        if (result.duplicates.length > 0) {
          expectDuplicateOf(result, original, 'order-1'); // until then, always reported against the original
          return false;
        }
        accepted = result;
        acceptedAt = Date.now();
        return true;
      },
      WINDOW_MS + 5_000,
      'the key to be accepted again after the window',
    );
    expectAccepted(accepted!, original);
    expect(acceptedAt - beforeAck, 'the key was held for at least the window after the ack').toBeGreaterThanOrEqual(WINDOW_MS);
    expect(await queue.stats(name)).toMatchObject({ ready: 1 });
  });

  it('with dedupeWindowMs 0, a dead-lettered message frees its key', async () => {
    const name = uniqueQueueName('dedupe');
    const queue = await open({ dedupeWindowMs: 0 });
    const { ids } = await publishKeyed(queue, name, 'order-1');
    const original = ids[0]!;
    await deadLetterOne(queue, name);
    expect((await queue.deadLetters.list(name)).items.map((letter) => letter.message.id)).toEqual([original]);
    expectAccepted(await publishKeyed(queue, name, 'order-1'), original);
  });

  it('replaying a dead letter takes its key back: the key is held again until the replayed message is acked', async () => {
    const name = uniqueQueueName('dedupe');
    const queue = await open({ dedupeWindowMs: 0 });
    const { ids } = await publishKeyed(queue, name, 'order-1');
    const original = ids[0]!;
    await deadLetterOne(queue, name);
    expect(await queue.deadLetters.replay(name)).toEqual({ replayed: 1 });
    expectDuplicateOf(await publishKeyed(queue, name, 'order-1'), original, 'order-1');
    await ackOne(queue, name);
    expectAccepted(await publishKeyed(queue, name, 'order-1'), original);
  });

  it('replaying a dead letter does not take its key from a newer message that holds it', async () => {
    const name = uniqueQueueName('dedupe');
    const queue = await open({ dedupeWindowMs: 0 });
    const { ids } = await publishKeyed(queue, name, 'order-1');
    const original = ids[0]!;
    await deadLetterOne(queue, name);
    const newer = expectAccepted(await publishKeyed(queue, name, 'order-1'), original);
    expect(await queue.deadLetters.replay(name)).toEqual({ replayed: 1 });
    expectDuplicateOf(await publishKeyed(queue, name, 'order-1'), newer, 'order-1');
  });

  it("a provider opening on a broker after the others closed either gets its own dedupeWindowMs on the broker's existing queues or is refused", async () => {
    const name = uniqueQueueName('dedupe');
    const broker = new MemoryBroker();
    const before = await open({ broker, dedupeWindowMs: 0 });
    await publishKeyed(before, name, 'made-the-store');
    await before.close(); // nobody is on the broker now; its queue (and store) stays
    const later = await createQueue({ provider: memory({ broker, dedupeWindowMs: 60_000 }) }).then(
      (queue) => (opened.push(queue), queue),
      (error: unknown) => error,
    );
    if (later instanceof ConfigError) {
      expect(later.field).toBe('memory.dedupeWindowMs');
      return;
    }
    const queue = later as Queue;
    const { ids } = await publishKeyed(queue, name, 'order-1');
    await ackOne(queue, name); // the message that made the store
    await ackOne(queue, name);
    const again = await publishKeyed(queue, name, 'order-1');
    expect(again.duplicates, 'the 60 s window this provider was given applies').toEqual([{ index: 0, id: ids[0], dedupeKey: 'order-1' }]);
  });

  it('a dead letter replayed inside the window holds its key while it is queued again, not only until the window ends', async () => {
    const name = uniqueQueueName('dedupe');
    const queue = await open({ dedupeWindowMs: WINDOW_MS });
    const { ids } = await publishKeyed(queue, name, 'order-1');
    const original = ids[0]!;
    await deadLetterOne(queue, name);
    const deadLetteredBy = Date.now();
    expect(await queue.deadLetters.replay(name)).toEqual({ replayed: 1 });
    expectDuplicateOf(await publishKeyed(queue, name, 'order-1'), original, 'order-1');
    // Let the window that started when it was dead-lettered run out; the replayed message is still queued.
    await until(() => Date.now() >= deadLetteredBy + WINDOW_MS + 50, WINDOW_MS + 5_000, 'the window to pass');
    expect(await queue.stats(name), 'the replayed message is still waiting').toMatchObject({ ready: 1 });
    const again = await publishKeyed(queue, name, 'order-1');
    expect(again.duplicates, 'the replayed message, queued again, still holds its key').toEqual([{ index: 0, id: original, dedupeKey: 'order-1' }]);
  });
});
