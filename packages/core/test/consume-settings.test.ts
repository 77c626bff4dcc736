import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors/config-error.js';
import { DEFAULT_RETRY_POLICY } from '../src/retry/retry-policy.js';
import { CONSUME_KEYS, DEFAULT_CONSUME_SETTINGS, DEFAULTS_KEYS, PULL_KEYS, resolveConsumeSettings } from '../src/runtime/consume-settings.js';
import { thrownBy } from './fixtures.js';

const consume = (options: unknown) => resolveConsumeSettings(options, 'consume', DEFAULT_CONSUME_SETTINGS, CONSUME_KEYS);

describe('DEFAULT_CONSUME_SETTINGS', () => {
  it('holds the defaults and is frozen', () => {
    expect(DEFAULT_CONSUME_SETTINGS).toStrictEqual({
      concurrency: 1,
      batchSize: 1,
      timeoutMs: 30_000,
      leaseMs: 10_000,
      retry: DEFAULT_RETRY_POLICY,
      ordered: false,
      shutdownTimeoutMs: 30_000,
    });
    expect(Object.isFrozen(DEFAULT_CONSUME_SETTINGS)).toBe(true);
  });
});

describe('resolveConsumeSettings', () => {
  it('returns the base when no options are given', () => {
    expect(consume(undefined)).toBe(DEFAULT_CONSUME_SETTINGS);
  });

  it('overrides only the options given', () => {
    expect(consume({ concurrency: 4, ordered: true })).toStrictEqual({ ...DEFAULT_CONSUME_SETTINGS, concurrency: 4, ordered: true });
  });

  it('merges retry key by key over the base retry policy', () => {
    const base = resolveConsumeSettings({ batchSize: 10, retry: { maxAttempts: 3 } }, 'defaults', DEFAULT_CONSUME_SETTINGS, DEFAULTS_KEYS);
    const settings = resolveConsumeSettings({ retry: { delayMs: 10 } }, 'consume', base, CONSUME_KEYS);
    expect(settings.batchSize).toBe(10);
    expect(settings.retry).toEqual({ ...DEFAULT_RETRY_POLICY, maxAttempts: 3, delayMs: 10 });
  });

  it('accepts consumerId and signal for consume without making them settings', () => {
    expect(consume({ consumerId: 'worker-1', signal: new AbortController().signal })).toStrictEqual(DEFAULT_CONSUME_SETTINGS);
  });

  it('accepts the edges of every range', () => {
    const edges = { concurrency: 10_000, batchSize: 100_000, timeoutMs: 2 ** 31 - 1, leaseMs: 10, shutdownTimeoutMs: 0 };
    expect(consume(edges)).toMatchObject(edges);
    expect(consume({ concurrency: 1, batchSize: 1, timeoutMs: 1 })).toMatchObject({ concurrency: 1, batchSize: 1, timeoutMs: 1 });
  });

  it.each<[unknown, string]>([
    [{ concurrency: 0 }, 'consume.concurrency'],
    [{ concurrency: 10_001 }, 'consume.concurrency'],
    [{ concurrency: 1.5 }, 'consume.concurrency'],
    [{ concurrency: '2' }, 'consume.concurrency'],
    [{ batchSize: 0 }, 'consume.batchSize'],
    [{ batchSize: 100_001 }, 'consume.batchSize'],
    [{ timeoutMs: 0 }, 'consume.timeoutMs'],
    [{ timeoutMs: 2 ** 31 }, 'consume.timeoutMs'],
    [{ leaseMs: 9 }, 'consume.leaseMs'],
    [{ leaseMs: Number.NaN }, 'consume.leaseMs'],
    [{ shutdownTimeoutMs: -1 }, 'consume.shutdownTimeoutMs'],
    [{ ordered: 'yes' }, 'consume.ordered'],
    [{ consumerId: '' }, 'consume.consumerId'],
    [{ consumerId: 42 }, 'consume.consumerId'],
    [{ retry: { maxAttempts: 0 } }, 'consume.retry.maxAttempts'],
    [{ retry: { tries: 3 } }, 'consume.retry.tries'],
    [{ retry: 'aggressive' }, 'consume.retry'],
    [{ concurency: 2 }, 'consume.concurency'],
    [{ max: 5 }, 'consume.max'],
    [{ waitMs: 100 }, 'consume.waitMs'],
    ['fast', 'consume'],
    [null, 'consume'],
    [[], 'consume'],
  ])('refuses consume options %o with a ConfigError naming %s', (options, field) => {
    const error = thrownBy(ConfigError, () => consume(options));
    expect(error.field).toBe(field);
    expect(error.code).toBe('MQKIT_CONFIG');
  });

  it.each(['concurrency', 'batchSize', 'shutdownTimeoutMs', 'signal', 'max', 'waitMs'])('refuses the option %s for pull, which would ignore it', (key) => {
    const error = thrownBy(ConfigError, () => resolveConsumeSettings({ [key]: 1 }, 'pull', DEFAULT_CONSUME_SETTINGS, PULL_KEYS));
    expect(error.field).toBe(`pull.${key}`);
  });

  it('accepts the shared options for pull', () => {
    const settings = resolveConsumeSettings({ timeoutMs: 5, leaseMs: 20, retry: { maxAttempts: 2 }, ordered: true, consumerId: 'cron' }, 'pull', DEFAULT_CONSUME_SETTINGS, PULL_KEYS);
    expect(settings).toMatchObject({ timeoutMs: 5, leaseMs: 20, ordered: true, retry: { maxAttempts: 2 } });
  });

  it.each(['consumerId', 'signal', 'max', 'waitMs'])('refuses the option %s in queue defaults', (key) => {
    const error = thrownBy(ConfigError, () => resolveConsumeSettings({ [key]: 'x' }, 'defaults', DEFAULT_CONSUME_SETTINGS, DEFAULTS_KEYS));
    expect(error.field).toBe(`defaults.${key}`);
  });

  it('names fields after the call it validates', () => {
    expect(thrownBy(ConfigError, () => resolveConsumeSettings({ retry: { delayMs: -1 } }, 'pull', DEFAULT_CONSUME_SETTINGS, PULL_KEYS)).field).toBe('pull.retry.delayMs');
    expect(thrownBy(ConfigError, () => resolveConsumeSettings({ batchSize: 0 }, 'defaults', DEFAULT_CONSUME_SETTINGS, DEFAULTS_KEYS)).field).toBe('defaults.batchSize');
  });
});
