// QueueConsumer and MqkitQueue driven through createQueue over a difficult tiny backend: receive
// errors, stop() from inside a processor, and shutdowns that meet a backend that fails or hangs.
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Queue } from '../../src/contracts/queue.js';
import { createQueue } from '../../src/create-queue.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { UnknownQueueError } from '../../src/errors/unknown-queue-error.js';
import { ValidationError } from '../../src/errors/validation-error.js';
import { CLEANUP_GRACE_MS } from '../../src/runtime/bounded.js';
import { fault, on, scripts, type DifficultProvider } from '../support/difficult.js';
import { difficult } from '../support/difficult.js';
import { Events, recordingLogger, sleep } from '../support/run-harness.js';
import { TinyProvider } from '../support/tiny-provider.js';
import type { Script } from '../../../testkit/src/difficult/index.js';

const opened: Queue[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((q) => q.close({ timeoutMs: 100 })));
});

async function open(script?: Script): Promise<{ queue: Queue; backend: DifficultProvider; tiny: TinyProvider; events: Events; logger: ReturnType<typeof recordingLogger> }> {
  const tiny = new TinyProvider();
  const backend = difficult(tiny, { script });
  const logger = recordingLogger();
  const queue = await createQueue({ provider: backend.spi, logger });
  opened.push(queue);
  return { queue, backend, tiny, events: new Events(queue.lifecycle), logger };
}

async function until(condition: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(2);
  }
}

describe('a consumer whose receive cannot heal', () => {
  it.each([
    ['an UnknownQueueError', new UnknownQueueError('q', 'create the stream first')],
    ['a ConfigError', new ConfigError('kinesis.stream', 'does not exist', 'create it')],
  ])('stops with reason "error" on %s instead of retrying forever', async (_what, error) => {
    const { queue, backend, events } = await open(on('receive', fault.fail(error)));
    const consumer = queue.consume('q', () => undefined);
    expect(await consumer.stopped).toBe('error');
    expect(consumer.error).toBe(error);
    expect(consumer.state).toBe('stopped');
    expect(backend.log.count('receive')).toBe(1);
    expect(events.of('consumer.stopped')[0]).toMatchObject({ reason: 'error', error });
    expect(events.of('consumer.error')[0]).toMatchObject({ operation: 'receive', retryInMs: undefined });
  });

  it('keeps retrying a receive that fails for a passing reason', async () => {
    const { queue, backend } = await open(on('receive', fault.fail(), { count: 2 }));
    const seen: string[] = [];
    const consumer = queue.consume('q', (messages) => void seen.push(...messages.map((m) => m.id)));
    const { ids } = await queue.publish('q', { payload: 1 });
    await until(() => seen.length === 1);
    expect(seen).toEqual(ids);
    expect(consumer.state).toBe('running');
    expect(backend.log.count('receive')).toBeGreaterThanOrEqual(3);
  });
});

describe('stop() from inside a processor ("process this one, then stop")', () => {
  it.each([
    ['an async processor, after an await', 'async'],
    ['a helper the processor awaits', 'helper'],
    ['a then-chain the processor returns', 'then'],
  ] as const)('neither deadlocks nor throws the batch away: from %s', async (_what, shape) => {
    const { queue, events } = await open();
    await queue.publish('q', [{ payload: 1 }, { payload: 2 }]);
    let stopResolvedAt = 0;
    const started = performance.now();
    const stopFromHere = async (): Promise<void> => {
      await consumer.stop();
      stopResolvedAt = performance.now() - started;
    };
    const processor =
      shape === 'async'
        ? async () => {
            await sleep(1);
            await stopFromHere();
          }
        : shape === 'helper'
          ? async () => {
              const helper = async (): Promise<void> => {
                await sleep(1);
                await stopFromHere();
              };
              await helper();
            }
          : () => sleep(1).then(stopFromHere);
    const consumer = queue.consume('q', processor, { shutdownTimeoutMs: 5_000 });
    expect(await consumer.stopped).toBe('stop');
    expect(stopResolvedAt).toBeGreaterThan(0);
    expect(stopResolvedAt).toBeLessThan(1_000); // not the 5 s shutdown deadline
    expect(events.of('message.processed')).toHaveLength(1); // the batch it finished was acked
    expect(events.of('consumer.stopped')[0]!.abandoned).toBe(0);
    expect((await queue.stats('q')).ready).toBe(1); // the other message was not fetched
  });

  it('from a listener of an event raised while core handles a processor\'s answer, stop() waits for the drain', async () => {
    const { queue } = await open();
    await queue.publish('q', { payload: 1 });
    let stateWhenStopResolved: string | undefined;
    // The processor outlives its 20 ms timeout; its late return raises processor.overrun from the
    // code that handles its answer (under the processor's frame).
    const consumer = queue.consume('q', () => sleep(60), { timeoutMs: 20, shutdownTimeoutMs: 5_000 });
    queue.lifecycle.add({
      'processor.overrun': () => void consumer.stop().then(() => (stateWhenStopResolved = consumer.state)),
    });
    expect(await consumer.stopped).toBe('stop');
    await until(() => stateWhenStopResolved !== undefined);
    expect(stateWhenStopResolved).toBe('stopped');
  });

  it('from outside, stop() still waits for the in-flight batch', async () => {
    const { queue, events } = await open();
    await queue.publish('q', { payload: 1 });
    let release!: () => void;
    const consumer = queue.consume('q', () => new Promise<void>((r) => (release = r)));
    await until(() => release !== undefined);
    let stopped = false;
    const stopping = consumer.stop().then(() => (stopped = true));
    await sleep(30);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(events.of('message.processed')).toHaveLength(1);
  });
});

describe('stopping and closing against a backend that fails or hangs', () => {
  it('a claim a receive brings after stop() (its statement already running) is given back before the receiver closes, never processed', async () => {
    // A backend whose first receive is a statement already on its way: it ignores the abort and
    // answers with whatever it claims once the test lets it.
    const calls: string[] = [];
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    class StatementInFlight extends TinyProvider {
      override receiver(queue: string, options: Parameters<TinyProvider['receiver']>[1]): ReturnType<TinyProvider['receiver']> {
        const inner = super.receiver(queue, options);
        let receives = 0;
        return {
          ...inner,
          receive: async (max, signal) => {
            if (++receives > 1) return inner.receive(max, signal);
            await answered;
            calls.push('receive answered');
            return inner.receive(max, new AbortController().signal);
          },
          settle: async (claim, settlement) => {
            calls.push('settle');
            return inner.settle(claim, settlement);
          },
          close: async () => {
            calls.push('receiver.close');
            return inner.close();
          },
        };
      }
    }
    const tiny = new StatementInFlight();
    const provider = tiny;
    const queue = await createQueue({ provider });
    opened.push(queue);
    const processed: string[] = [];
    const consumer = queue.consume('q', (messages) => void processed.push(...messages.map((m) => m.id)), { concurrency: 1 });
    let stopped = false;
    const stopping = consumer.stop().then(() => (stopped = true));
    await queue.publish('q', { payload: 1 });
    await sleep(20);
    expect(stopped).toBe(false);
    answer();
    await stopping;
    expect(calls).toEqual(['receive answered', 'settle', 'receiver.close']);
    expect(processed).toEqual([]);
    const back = tiny.queues.get('q')!.ready;
    expect(back).toHaveLength(1);
    expect(back[0]!.attempt).toBe(0);
  });

  it('stop() finishes when the release of an abandoned batch hangs: given up after the grace, reported', async () => {
    const { queue, backend, events } = await open(on('settle', fault.hang()));
    await queue.publish('q', { payload: 1 });
    const consumer = queue.consume('q', () => new Promise(() => undefined), { leaseMs: 60_000 });
    await until(() => backend.log.count('receive') >= 1 && events.of('message.received').length === 1);
    const started = performance.now();
    await consumer.stop({ timeoutMs: 50 });
    const took = performance.now() - started;
    expect(took).toBeLessThan(50 + 2 * CLEANUP_GRACE_MS + 500);
    expect(events.of('consumer.stopped')[0]!.abandoned).toBe(1);
    expect(events.of('consumer.error').some((e) => e.operation === 'settle' && e.retryInMs === undefined)).toBe(true);
    backend.release();
  });

  it('close() finishes, stops consumers, closes the provider and refuses publish when a waiting pull\'s receiver close rejects', async () => {
    const { queue, tiny, backend, events, logger } = await open(on('receiver.close', fault.fail(new Error('connection reset'))));
    const consumer = queue.consume('q', () => undefined);
    const pulling = queue.pull('q', () => undefined, { waitMs: 5_000 });
    await sleep(10);
    await queue.close({ timeoutMs: 200 });
    expect(await pulling).toMatchObject({ received: 0 });
    expect(consumer.state).toBe('stopped');
    expect(tiny.closed).toBe(1);
    expect(backend.log.count('close')).toBe(1);
    await expect(queue.publish('q', { payload: 1 })).rejects.toMatchObject({ code: 'MQKIT_CLOSED' });
    expect(events.of('consumer.error').filter((e) => e.operation === 'close').length).toBeGreaterThanOrEqual(1);
    expect(logger.lines.some((l) => l.message.includes('closing'))).toBe(true);
    await expect(queue.close()).resolves.toBeUndefined(); // every later close() is the same, resolved promise
  });

  it('close() finishes when everything hangs: receive, settle, receiver close and the provider\'s close', async () => {
    const { queue, tiny, backend } = await open(scripts(on('settle', fault.hang()), on('receiver.close', fault.hang()), on('close', fault.hang())));
    await queue.publish('q', { payload: 1 });
    queue.consume('q', () => new Promise(() => undefined));
    await until(() => backend.log.count('receive') >= 1);
    await sleep(20);
    backend.script = scripts(on('receive', fault.hang()), on('settle', fault.hang()), on('receiver.close', fault.hang()), on('close', fault.hang()));
    const started = performance.now();
    await queue.close({ timeoutMs: 100 });
    expect(performance.now() - started).toBeLessThan(100 + 3 * CLEANUP_GRACE_MS + 500);
    expect(tiny.closed).toBe(0); // its close hung and was given up
    await expect(queue.publish('q', { payload: 1 })).rejects.toMatchObject({ code: 'MQKIT_CLOSED' });
    backend.release();
  });
});

describe('promise-returning methods never throw synchronously', () => {
  it.each([
    ['stats', (q: Queue) => q.stats('bad name')],
    ['deadLetters.list', (q: Queue) => q.deadLetters.list('bad name')],
    ['deadLetters.purge', (q: Queue) => q.deadLetters.purge('q', { limit: 0 })],
    ['deadLetters.replay', (q: Queue) => q.deadLetters.replay('q', { ids: 'x' as unknown as string[] })],
    ['publish', (q: Queue) => q.publish('bad name', { payload: 1 })],
    ['pull', (q: Queue) => q.pull('q', () => undefined, { max: 0 })],
  ])('%s rejects with a ValidationError', async (_what, call) => {
    const { queue } = await open();
    let promise: Promise<unknown> | undefined;
    expect(() => (promise = call(queue) as Promise<unknown>)).not.toThrow();
    await expect(promise).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('no AbortSignal.any over long-lived signals', () => {
  it('a thousand pulls with one long-lived signal leave no listener on it and never call AbortSignal.any', async () => {
    const { queue } = await open();
    const any = vi.spyOn(AbortSignal, 'any');
    const app = new AbortController();
    for (let i = 0; i < 1_000; i++) await queue.pull('q', () => undefined, { waitMs: 1, signal: app.signal });
    expect(any).not.toHaveBeenCalled();
    expect(getEventListeners(app.signal, 'abort')).toHaveLength(0);
    any.mockRestore();
  });

  it('a pull whose signal aborts ends its wait at once', async () => {
    const { queue } = await open();
    const app = new AbortController();
    const pulling = queue.pull('q', () => undefined, { waitMs: 10_000, signal: app.signal });
    await sleep(10);
    const started = performance.now();
    app.abort();
    expect(await pulling).toMatchObject({ received: 0 });
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('publish inside a transaction', () => {
  it('is refused with a ValidationError naming publish.transaction on a provider without transactionalPublish', async () => {
    const { queue, backend } = await open();
    await expect(queue.publish('q', { payload: 1 }, { transaction: {} })).rejects.toMatchObject({ field: 'publish.transaction' });
    expect(backend.log.count('publish')).toBe(0);
  });

  it('is passed to the provider untouched, and message.published says it was transactional', async () => {
    const tiny = new TinyProvider({ transactionalPublish: true });
    const seen: unknown[] = [];
    const publish = tiny.publish.bind(tiny);
    tiny.publish = (queue, messages, options) => (seen.push(options?.transaction), publish(queue, messages));
    const queue = await createQueue({ provider: tiny });
    opened.push(queue);
    const events = new Events(queue.lifecycle);
    const tx = { id: 'tx-1' };
    await queue.publish('q', { payload: 1 }, { transaction: tx });
    await queue.publish('q', { payload: 2 });
    expect(seen).toEqual([tx, undefined]);
    expect(events.of('message.published').map((e) => e.transactional)).toEqual([true, false]);
  });
});
