import { Lifecycle, validateQueueName, type Claim, type QueueProvider, type Receiver } from '@mqkit/core';
import { describe, expect, it } from 'vitest';
import { collectEvents, delay, nextEvent, pausable, uniqueQueueName, until } from '../src/index.js';

describe('uniqueQueueName', () => {
  it('returns valid, distinct queue names', () => {
    const names = Array.from({ length: 100 }, () => uniqueQueueName('some prefix/with bad chars'));
    for (const name of names) expect(validateQueueName(name)).toBe(name);
    expect(new Set(names).size).toBe(100);
  });
});

describe('until', () => {
  it('resolves once the condition holds', async () => {
    const start = Date.now();
    await until(() => Date.now() - start >= 20, 1_000);
    expect(Date.now() - start).toBeGreaterThanOrEqual(20);
  });

  it('rejects with what it waited for', async () => {
    await expect(until(() => false, 20, () => 'the impossible')).rejects.toThrow(/timed out after 20 ms waiting for: the impossible/);
  });
});

describe('nextEvent and collectEvents', () => {
  const event = (id: string) => ({ queue: 'q', message: { id } as never, delayMs: 0, at: 0 });

  it('resolves on the first matching event and stops listening', async () => {
    const lifecycle = new Lifecycle();
    const next = nextEvent(lifecycle, 'message.retried', (e) => e.message.id === 'b', 1_000);
    lifecycle.emit('message.retried', event('a'));
    lifecycle.emit('message.retried', event('b'));
    expect((await next).message.id).toBe('b');
    expect(lifecycle.has('message.retried')).toBe(false);
  });

  it('rejects after its timeout', async () => {
    await expect(nextEvent(new Lifecycle(), 'message.expired', undefined, 20)).rejects.toThrow(/'message.expired'/);
  });

  it('collects events in order and finds those touching a message', () => {
    const lifecycle = new Lifecycle();
    const log = collectEvents(lifecycle);
    lifecycle.emit('message.retried', event('a'));
    lifecycle.emit('message.received', { queue: 'q', consumerId: 'c', messages: [{ id: 'a' } as never], at: 0 });
    lifecycle.emit('lag', { queue: 'q', shardId: undefined, ms: 1, messages: 3, at: 0 });
    expect(log.typesFor('a')).toEqual(['message.retried', 'message.received']);
    expect(log.of('lag')).toHaveLength(1);
  });
});

describe('pausable', () => {
  it('holds receive, renew and settle while paused and lets them through, in order, on resume', async () => {
    const calls: string[] = [];
    const claim = { id: 'c', token: 't', messages: [], leaseExpiresAt: 0 } as Claim;
    const receiver: Receiver = {
      receive: () => (calls.push('receive'), Promise.resolve(null)),
      renew: () => (calls.push('renew'), Promise.resolve(1)),
      settle: () => (calls.push('settle'), Promise.resolve()),
      close: () => Promise.resolve(),
    };
    const inner = { name: 'fake', capabilities: {}, deadLetters: {}, receiver: () => receiver } as unknown as QueueProvider;
    const frozen = pausable(inner);
    const r = frozen.provider.receiver('q', { consumerId: 'c', leaseMs: 10, maxAttempts: 1, ordered: false });
    frozen.pause();
    const pending = Promise.all([r.renew(claim, 10), r.settle(claim, { ack: [], retry: [], deadLetter: [], release: [] }), r.receive(1, new AbortController().signal)]);
    await delay(20);
    expect(calls).toEqual([]);
    expect(frozen.paused).toBe(true);
    frozen.resume();
    await pending;
    expect(calls).toEqual(['renew', 'settle', 'receive']);
  });
});
