import { describe, expect, it, vi } from 'vitest';
import { CAPABILITY_NAMES, type Capabilities } from '../src/contracts/capabilities.js';
import type { ProviderContext, QueueProvider, ReceiverOptions } from '../src/contracts/provider.js';
import { resolveConfig, type QueueConfig } from '../src/config.js';
import { createQueue } from '../src/create-queue.js';
import { ConfigError } from '../src/errors/config-error.js';
import { DEFAULT_RETRY_POLICY } from '../src/retry/retry-policy.js';
import { DEFAULT_CONSUME_SETTINGS } from '../src/runtime/consume-settings.js';
import { systemClock } from '../src/util/clock.js';
import { noopLogger, type Logger } from '../src/util/logger.js';
import { counterIds, rejectedWith, thrownBy } from './fixtures.js';

/** A provider that records what core asks of it; its receivers never have a message. */
function stubProvider() {
  const opened: ProviderContext[] = [];
  const receivers: Array<{ queue: string; options: ReceiverOptions }> = [];
  let closed = 0;
  const capabilities = Object.fromEntries(CAPABILITY_NAMES.map((name) => [name, false])) as unknown as Capabilities;
  const provider: QueueProvider = {
    name: 'stub',
    capabilities,
    deadLetters: {
      list: () => Promise.resolve({ items: [], next: undefined }),
      replay: () => Promise.resolve({ replayed: 0 }),
      purge: () => Promise.resolve({ purged: 0 }),
    },
    open: (context) => {
      opened.push(context);
      return Promise.resolve();
    },
    publish: (_queue, messages) => Promise.resolve({ ids: messages.map((m) => m.id), duplicates: [] }),
    receiver: (queue, options) => {
      receivers.push({ queue, options });
      return {
        receive: () => Promise.resolve(null),
        settle: () => Promise.resolve(),
        renew: () => Promise.resolve(0),
        close: () => Promise.resolve(),
      };
    },
    stats: (queue) => Promise.resolve({ queue, ready: 0, delayed: 0, inFlight: 0, deadLettered: 0, lagMs: 0 }),
    close: () => {
      closed++;
      return Promise.resolve();
    },
  };
  return { provider, opened, receivers, closed: () => closed };
}

const recordingLogger = (): Logger => ({ debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() });

/** createQueue with an untyped config, which must reject with a ConfigError; returns its field. */
async function configErrorField(config: unknown): Promise<string> {
  return (await rejectedWith(ConfigError, createQueue(config as QueueConfig))).field;
}

describe('createQueue', () => {
  it('opens the provider once with the default clock, logger, ids and the queue lifecycle', async () => {
    const stub = stubProvider();
    const queue = await createQueue({ provider: stub.provider });
    expect(queue.provider).toBe('stub');
    expect(queue.capabilities).toBe(stub.provider.capabilities);
    expect(stub.opened).toHaveLength(1);
    const [context] = stub.opened;
    expect(context?.clock).toBe(systemClock);
    expect(context?.logger).toBe(noopLogger);
    expect(context?.lifecycle).toBe(queue.lifecycle);
    expect(context?.ids()).toMatch(/^[0-9a-f]{16}-1$/);
    await queue.close();
    expect(stub.closed()).toBe(1);
  });

  it('hands the injected clock, logger and ids to the provider', async () => {
    const stub = stubProvider();
    const clock = { now: () => 42 };
    const logger = recordingLogger();
    const ids = counterIds();
    const queue = await createQueue({ provider: stub.provider, clock, logger, ids });
    expect(stub.opened[0]).toMatchObject({ clock, logger, ids });
    await queue.close();
  });

  it('adds the listeners given at creation to the queue lifecycle', async () => {
    const onReplayed = vi.fn();
    const queue = await createQueue({ provider: stubProvider().provider, lifecycle: [{ 'message.replayed': onReplayed }, { name: 'empty' }] });
    expect(queue.lifecycle.has('message.replayed')).toBe(true);
    expect(queue.lifecycle.has('lag')).toBe(false);
    queue.lifecycle.emit('message.replayed', { queue: 'q', count: 1, at: 0 });
    expect(onReplayed).toHaveBeenCalledTimes(1);
    await queue.close();
  });

  it('sends listener failures to onLifecycleError', async () => {
    const onLifecycleError = vi.fn();
    const boom = new Error('listener bug');
    const queue = await createQueue({
      provider: stubProvider().provider,
      onLifecycleError,
      lifecycle: [
        {
          name: 'audit',
          lag: () => {
            throw boom;
          },
        },
      ],
    });
    queue.lifecycle.emit('lag', { queue: 'q', shardId: undefined, ms: 1, messages: 1, at: 0 });
    expect(onLifecycleError).toHaveBeenCalledWith(boom, { event: 'lag', listener: 'audit' });
    await queue.close();
  });

  it("logs listener failures with logger.error when there is no onLifecycleError", async () => {
    const error = vi.fn();
    const logger: Logger = { ...recordingLogger(), error };
    const boom = new Error('listener bug');
    const queue = await createQueue({
      provider: stubProvider().provider,
      logger,
      lifecycle: [
        {
          name: 'audit',
          lag: () => {
            throw boom;
          },
        },
      ],
    });
    queue.lifecycle.emit('lag', { queue: 'q', shardId: undefined, ms: 1, messages: 1, at: 0 });
    expect(error).toHaveBeenCalledWith('lifecycle listener failed', { error: boom, event: 'lag', listener: 'audit' });
    await queue.close();
  });

  it('warns once per failing listener through process warnings when there is neither a logger nor onLifecycleError', async () => {
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const fail = (): void => {
        throw new Error('listener bug');
      };
      const queue = await createQueue({ provider: stubProvider().provider, lifecycle: [{ name: 'audit', lag: fail }, { name: 'metrics', lag: fail }] });
      const event = { queue: 'q', shardId: undefined, ms: 1, messages: 1, at: 0 };
      queue.lifecycle.emit('lag', event);
      queue.lifecycle.emit('lag', event);
      expect(emitWarning).toHaveBeenCalledTimes(2);
      const calls = emitWarning.mock.calls as unknown as Array<[string, { code: string }]>;
      expect(calls[0]?.[0]).toContain('lifecycle listener "audit" failed on lag: listener bug');
      expect(calls[0]?.[1]).toEqual({ code: 'MQKIT_LISTENER_FAILED' });
      expect(calls[1]?.[0]).toContain('lifecycle listener "metrics" failed on lag');
      await queue.close();
    } finally {
      emitWarning.mockRestore();
    }
  });

  it('applies the queue defaults to the receivers it creates', async () => {
    const stub = stubProvider();
    const queue = await createQueue({ provider: stub.provider, ids: counterIds(), defaults: { leaseMs: 1234, retry: { maxAttempts: 2 } } });
    const result = await queue.pull('jobs', () => undefined);
    expect(result).toEqual({ received: 0, acked: 0, retried: 0, deadLettered: 0, interrupted: false });
    expect(stub.receivers).toEqual([{ queue: 'jobs', options: { consumerId: 'jobs-id-1', leaseMs: 1234, maxAttempts: 2, ordered: false } }]);
    await queue.close();
  });

  it('does not open the provider when the config is invalid', async () => {
    const stub = stubProvider();
    await configErrorField({ provider: stub.provider, defaults: { batchSize: 0 } });
    expect(stub.opened).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['a missing provider', {}],
    ['a null provider', { provider: null }],
    ['a string provider', { provider: 'memory' }],
    ['a provider without methods', { provider: { name: 'x' } }],
  ])('refuses %s with a ConfigError naming provider', async (_what, config) => {
    expect(await configErrorField(config)).toBe('provider');
  });

  it.each(['open', 'publish', 'receiver', 'stats', 'close'])('refuses a provider without %s()', async (method) => {
    const { provider } = stubProvider();
    expect(await configErrorField({ provider: { ...provider, [method]: undefined } })).toBe('provider');
  });

  it.each(['name', 'capabilities', 'deadLetters'])('refuses a provider without %s', async (key) => {
    const { provider } = stubProvider();
    expect(await configErrorField({ provider: { ...provider, [key]: undefined } })).toBe('provider');
  });

  it('refuses a config that is not an object', async () => {
    expect(await configErrorField(null)).toBe('config');
    expect(await configErrorField('memory')).toBe('config');
  });

  it('refuses an unknown top-level key, naming it', async () => {
    expect(await configErrorField({ provider: stubProvider().provider, defualts: {} })).toBe('defualts');
  });

  it.each<[string, string, unknown]>([
    ['a logger without warn', 'logger.warn', { debug() {}, info() {}, error() {} }],
    ['a logger whose error is not a function', 'logger.error', { debug() {}, info() {}, warn() {}, error: 'stderr' }],
    ['a null logger', 'logger.debug', null],
    ['a string logger', 'logger.debug', 'console'],
  ])('refuses %s, naming %s', async (_what, field, logger) => {
    expect(await configErrorField({ provider: stubProvider().provider, logger })).toBe(field);
  });

  it('accepts console as a logger', async () => {
    const queue = await createQueue({ provider: stubProvider().provider, logger: console });
    await queue.close();
  });

  it.each<[string, unknown]>([
    ['an empty object', {}],
    ['now that is not a function', { now: 5 }],
    ['null', null],
    ['a function', () => Date.now()],
  ])('refuses a clock that is %s', async (_what, clock) => {
    expect(await configErrorField({ provider: stubProvider().provider, clock })).toBe('clock');
  });

  it.each<[string, string, unknown]>([
    ['lifecycle that is not an array', 'lifecycle', { 'message.replayed': () => undefined }],
    ['a number among the listeners', 'lifecycle[1]', [{}, 5]],
    ['null among the listeners', 'lifecycle[2]', [{}, {}, null]],
  ])('refuses %s, naming %s', async (_what, field, lifecycle) => {
    expect(await configErrorField({ provider: stubProvider().provider, lifecycle })).toBe(field);
  });

  it.each([
    ['onLifecycleError', 'log it'],
    ['ids', 'uuid'],
    ['random', 0.5],
  ])('refuses a %s that is not a function', async (key, value) => {
    expect(await configErrorField({ provider: stubProvider().provider, [key]: value })).toBe(key);
  });

  it.each<[unknown, string]>([
    [{ batchSize: 0 }, 'defaults.batchSize'],
    [{ retry: { maxAttempts: 0 } }, 'defaults.retry.maxAttempts'],
    [{ concurency: 2 }, 'defaults.concurency'],
    [{ consumerId: 'worker' }, 'defaults.consumerId'],
    ['fast', 'defaults'],
  ])('validates defaults %o, naming %s', async (defaults, field) => {
    expect(await configErrorField({ provider: stubProvider().provider, defaults })).toBe(field);
  });
});

describe('resolveConfig', () => {
  it('fills in every default', () => {
    const { provider } = stubProvider();
    const resolved = resolveConfig({ provider });
    expect(resolved.provider).toBe(provider);
    expect(resolved.logger).toBe(noopLogger);
    expect(resolved.clock).toBe(systemClock);
    expect(resolved.defaults).toBe(DEFAULT_CONSUME_SETTINGS);
    expect(resolved.random).toBe(Math.random);
    expect(typeof resolved.ids).toBe('function');
  });

  it('merges defaults over the built-in consume settings', () => {
    const resolved = resolveConfig({ provider: stubProvider().provider, defaults: { concurrency: 3, retry: { delayMs: 5 } } });
    expect(resolved.defaults).toEqual({ ...DEFAULT_CONSUME_SETTINGS, concurrency: 3, retry: { ...DEFAULT_RETRY_POLICY, delayMs: 5 } });
  });

  it('keeps an injected random source', () => {
    const random = () => 0.25;
    expect(resolveConfig({ provider: stubProvider().provider, random }).random).toBe(random);
  });

  it('throws synchronously, before createQueue would open anything', () => {
    expect(thrownBy(ConfigError, () => resolveConfig({})).field).toBe('provider');
  });
});
