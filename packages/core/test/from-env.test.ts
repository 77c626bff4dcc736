import { afterEach, describe, expect, it, vi } from 'vitest';
import { CAPABILITY_NAMES, type Capabilities } from '../src/contracts/capabilities.js';
import type { QueueProvider } from '../src/contracts/provider.js';
import { resolveConfig } from '../src/config.js';
import { ConfigError } from '../src/errors/config-error.js';
import { fromEnv } from '../src/from-env.js';
import { DEFAULT_RETRY_POLICY } from '../src/retry/retry-policy.js';
import { DEFAULT_CONSUME_SETTINGS } from '../src/runtime/consume-settings.js';
import { thrownBy } from './fixtures.js';

const VARIABLES = [
  'MQKIT_CONCURRENCY',
  'MQKIT_BATCH_SIZE',
  'MQKIT_TIMEOUT_MS',
  'MQKIT_LEASE_MS',
  'MQKIT_SHUTDOWN_TIMEOUT_MS',
  'MQKIT_MAX_ATTEMPTS',
  'MQKIT_RETRY_DELAY_MS',
  'MQKIT_RETRY_MAX_DELAY_MS',
  'MQKIT_RETRY_BACKOFF',
];

/** Just enough of a provider for resolveConfig. */
const provider = {
  name: 'stub',
  capabilities: Object.fromEntries(CAPABILITY_NAMES.map((n) => [n, false])) as unknown as Capabilities,
  deadLetters: {},
  open: () => Promise.resolve(),
  publish: () => Promise.resolve({ ids: [], duplicates: [] }),
  receiver: () => ({}),
  stats: () => Promise.resolve({}),
  close: () => Promise.resolve(),
} as unknown as QueueProvider;

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('fromEnv', () => {
  it.each<[string, string, unknown]>([
    ['MQKIT_CONCURRENCY', '8', { concurrency: 8 }],
    ['MQKIT_BATCH_SIZE', '50', { batchSize: 50 }],
    ['MQKIT_TIMEOUT_MS', '15000', { timeoutMs: 15_000 }],
    ['MQKIT_LEASE_MS', '6000', { leaseMs: 6000 }],
    ['MQKIT_SHUTDOWN_TIMEOUT_MS', '0', { shutdownTimeoutMs: 0 }],
    ['MQKIT_MAX_ATTEMPTS', '3', { retry: { maxAttempts: 3 } }],
    ['MQKIT_RETRY_DELAY_MS', '250', { retry: { delayMs: 250 } }],
    ['MQKIT_RETRY_MAX_DELAY_MS', '60000', { retry: { maxDelayMs: 60_000 } }],
    ['MQKIT_RETRY_BACKOFF', 'linear', { retry: { backoff: 'linear' } }],
  ])('maps %s=%s to defaults %j', (name, value, defaults) => {
    expect(fromEnv({ [name]: value })).toStrictEqual({ defaults });
  });

  it('combines every variable into one defaults object', () => {
    const env = {
      MQKIT_CONCURRENCY: '4',
      MQKIT_BATCH_SIZE: '10',
      MQKIT_TIMEOUT_MS: '2000',
      MQKIT_LEASE_MS: '3000',
      MQKIT_SHUTDOWN_TIMEOUT_MS: '500',
      MQKIT_MAX_ATTEMPTS: '7',
      MQKIT_RETRY_DELAY_MS: '100',
      MQKIT_RETRY_MAX_DELAY_MS: '9000',
      MQKIT_RETRY_BACKOFF: 'fixed',
    };
    expect(fromEnv(env)).toStrictEqual({
      defaults: {
        concurrency: 4,
        batchSize: 10,
        timeoutMs: 2000,
        leaseMs: 3000,
        shutdownTimeoutMs: 500,
        retry: { maxAttempts: 7, delayMs: 100, maxDelayMs: 9000, backoff: 'fixed' },
      },
    });
  });

  it('returns {} for an empty env, unrelated variables and empty values', () => {
    expect(fromEnv({})).toStrictEqual({});
    expect(fromEnv({ PATH: '/usr/bin', MQKIT_STRESS: '20', MQKIT_CONCURRENCY: '', MQKIT_RETRY_BACKOFF: '' })).toStrictEqual({});
  });

  it.each([
    ['MQKIT_CONCURRENCY', 'abc'],
    ['MQKIT_TIMEOUT_MS', '30s'],
    ['MQKIT_MAX_ATTEMPTS', 'Infinity'],
    ['MQKIT_RETRY_DELAY_MS', 'NaN'],
    ['MQKIT_BATCH_SIZE', '1.5'],
    ['MQKIT_MAX_ATTEMPTS', '2.5'],
    ['MQKIT_RETRY_BACKOFF', 'random'],
    ['MQKIT_RETRY_BACKOFF', 'Linear'],
  ])('throws a ConfigError naming %s when it is %j', (name, value) => {
    const error = thrownBy(ConfigError, () => fromEnv({ [name]: value }));
    expect(error.field).toBe(name);
    expect(error.message).toContain(JSON.stringify(value));
  });

  it('accepts fractional milliseconds for the retry delays', () => {
    expect(fromEnv({ MQKIT_RETRY_DELAY_MS: '2.5', MQKIT_RETRY_MAX_DELAY_MS: '1e3' })).toStrictEqual({ defaults: { retry: { delayMs: 2.5, maxDelayMs: 1000 } } });
  });

  // Regression: Number(' ') is 0, so a whitespace-only value used to set the option to 0 silently
  // (MQKIT_RETRY_DELAY_MS=" " meant retries with no delay).
  it('throws a ConfigError for a whitespace-only value instead of reading it as 0', () => {
    expect(thrownBy(ConfigError, () => fromEnv({ MQKIT_RETRY_DELAY_MS: ' ' })).field).toBe('MQKIT_RETRY_DELAY_MS');
  });

  it('leaves ranges to createQueue, which names the option', () => {
    expect(fromEnv({ MQKIT_CONCURRENCY: '-1' })).toStrictEqual({ defaults: { concurrency: -1 } });
    expect(thrownBy(ConfigError, () => resolveConfig({ provider, ...fromEnv({ MQKIT_CONCURRENCY: '-1' }) })).field).toBe('defaults.concurrency');
    expect(thrownBy(ConfigError, () => resolveConfig({ provider, ...fromEnv({ MQKIT_RETRY_MAX_DELAY_MS: '-5' }) })).field).toBe('defaults.retry.maxDelayMs');
  });

  it('produces defaults that createQueue accepts and merges over its own', () => {
    const resolved = resolveConfig({ provider, ...fromEnv({ MQKIT_BATCH_SIZE: '25', MQKIT_MAX_ATTEMPTS: '2' }) });
    expect(resolved.defaults).toEqual({ ...DEFAULT_CONSUME_SETTINGS, batchSize: 25, retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 2 } });
  });

  it('never reads process.env when an env object is passed', () => {
    vi.stubEnv('MQKIT_CONCURRENCY', '9');
    vi.stubEnv('MQKIT_RETRY_BACKOFF', 'fixed');
    expect(fromEnv({})).toStrictEqual({});
    expect(fromEnv({ MQKIT_BATCH_SIZE: '2' })).toStrictEqual({ defaults: { batchSize: 2 } });
  });

  it('reads only the MQKIT_* variables of its table from the env it is given', () => {
    const read: string[] = [];
    const env = new Proxy<Record<string, string | undefined>>({}, {
      get: (_target, key) => {
        if (typeof key === 'string') read.push(key);
        return undefined;
      },
    });
    expect(fromEnv(env)).toStrictEqual({});
    expect([...new Set(read)].sort()).toEqual([...VARIABLES].sort());
  });

  it('reads process.env when no env is passed', () => {
    for (const name of VARIABLES) vi.stubEnv(name, '');
    vi.stubEnv('MQKIT_CONCURRENCY', '9');
    vi.stubEnv('MQKIT_RETRY_BACKOFF', 'fixed');
    expect(fromEnv()).toStrictEqual({ defaults: { concurrency: 9, retry: { backoff: 'fixed' } } });
  });
});
