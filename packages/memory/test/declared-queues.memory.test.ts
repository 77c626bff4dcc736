// memory({ queues }): undeclared names are refused by every Queue method, with the fix in the error.
import { ErrorCode, PermanentError, UnknownQueueError } from '@mqkit/core';
import { Deliveries, uniqueQueueName, until } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../src/index.js';
import { open, thrownBy } from './support.js';

describe('declared queues: memory({ queues })', () => {
  it('publish, consume, pull, stats and deadLetters on an undeclared queue throw UnknownQueueError naming it and the fix', async () => {
    const declared = uniqueQueueName('declared');
    const undeclared = uniqueQueueName('undeclared');
    const broker = new MemoryBroker();
    const queue = await open({ broker, queues: [declared] });
    const calls: Array<[string, () => unknown]> = [
      ['publish', () => queue.publish(undeclared, { payload: 1 })],
      ['consume', () => queue.consume(undeclared, () => undefined)],
      ['pull', () => queue.pull(undeclared, () => undefined)],
      ['stats', () => queue.stats(undeclared)],
      ['deadLetters.list', () => queue.deadLetters.list(undeclared)],
      ['deadLetters.replay', () => queue.deadLetters.replay(undeclared)],
      ['deadLetters.purge', () => queue.deadLetters.purge(undeclared)],
    ];
    for (const [what, call] of calls) {
      const error = await thrownBy(call, what);
      expect(error, what).toBeInstanceOf(UnknownQueueError);
      const unknown = error as UnknownQueueError;
      expect(unknown.queue, `${what} names the queue`).toBe(undeclared);
      expect(unknown.code, what).toBe(ErrorCode.UnknownQueue);
      expect(unknown.retryable, what).toBe(false);
      expect(unknown.message, `${what} names the queue in its message`).toContain(`"${undeclared}"`);
      expect(unknown.message, `${what} says how to declare it`).toContain('memory({ queues: [...] })');
      expect(unknown.message, `${what} lists the declared queues`).toContain(declared);
    }
    expect(broker.has(undeclared), 'no store is made for an undeclared queue').toBe(false);
  });

  it('a declared queue works for publish, pull, consume, stats and dead letters', async () => {
    const declared = uniqueQueueName('declared');
    const queue = await open({ queues: [declared] });
    await queue.publish(declared, [{ payload: 'pulled' }, { payload: 'bad' }, { payload: 'good' }]);
    expect(await queue.stats(declared)).toMatchObject({ queue: declared, ready: 3, inFlight: 0 });
    const pulled = await queue.pull(declared, () => undefined);
    expect(pulled).toMatchObject({ received: 1, acked: 1 });
    const seen = new Deliveries();
    queue.consume(
      declared,
      seen.processor(([m]) => {
        if (m!.payload === 'bad') throw new PermanentError('rejected');
      }),
    );
    await until(async () => (await queue.stats(declared)).deadLettered === 1 && seen.all.length === 2, 5_000, 'both consumed, one dead-lettered');
    const page = await queue.deadLetters.list(declared);
    expect(page.items.map((letter) => letter.message.payload)).toEqual(['bad']);
    expect(await queue.deadLetters.purge(declared)).toEqual({ purged: 1 });
    expect(await queue.deadLetters.replay(declared)).toEqual({ replayed: 0 });
    expect(await queue.stats(declared)).toMatchObject({ ready: 0, inFlight: 0, deadLettered: 0 });
  });

  it('on a shared broker, queues restricts only the provider it was given to', async () => {
    const declared = uniqueQueueName('declared');
    const other = uniqueQueueName('other');
    const broker = new MemoryBroker();
    const strict = await open({ broker, queues: [declared] });
    const lenient = await open({ broker });
    await lenient.publish(other, { payload: 'any name is fine here' });
    expect(await lenient.stats(other)).toMatchObject({ ready: 1 });
    const error = await thrownBy(() => strict.stats(other), 'stats through the strict provider');
    expect(error).toBeInstanceOf(UnknownQueueError);
  });
});
