import { ConfigError } from './errors/config-error.js';
import type { QueueConfig } from './config.js';

type Env = Readonly<Record<string, string | undefined>>;

/** [variable, option path, must be an integer] */
const NUMERIC: ReadonlyArray<[string, string[], boolean]> = [
  ['MQKIT_CONCURRENCY', ['concurrency'], true],
  ['MQKIT_BATCH_SIZE', ['batchSize'], true],
  ['MQKIT_TIMEOUT_MS', ['timeoutMs'], true],
  ['MQKIT_LEASE_MS', ['leaseMs'], true],
  ['MQKIT_SHUTDOWN_TIMEOUT_MS', ['shutdownTimeoutMs'], true],
  ['MQKIT_MAX_ATTEMPTS', ['retry', 'maxAttempts'], true],
  ['MQKIT_RETRY_DELAY_MS', ['retry', 'delayMs'], false],
  ['MQKIT_RETRY_MAX_DELAY_MS', ['retry', 'maxDelayMs'], false],
];

/**
 * The only place mqkit reads environment variables, and only when you call it: consumer defaults
 * from `MQKIT_*` variables, to spread into `createQueue({ provider, ...fromEnv() })`.
 *
 * | variable | option |
 * | --- | --- |
 * | MQKIT_CONCURRENCY, MQKIT_BATCH_SIZE, MQKIT_TIMEOUT_MS, MQKIT_LEASE_MS, MQKIT_SHUTDOWN_TIMEOUT_MS | `defaults.*` |
 * | MQKIT_MAX_ATTEMPTS, MQKIT_RETRY_DELAY_MS, MQKIT_RETRY_MAX_DELAY_MS | `defaults.retry.*` |
 * | MQKIT_RETRY_BACKOFF (fixed, linear, exponential) | `defaults.retry.backoff` |
 *
 * Values are validated again by `createQueue`; a non-number throws {@link ConfigError} naming the variable.
 */
export function fromEnv(env: Env = process.env): Pick<QueueConfig, 'defaults'> {
  const defaults: Record<string, unknown> = {};
  const retry: Record<string, unknown> = {};
  for (const [name, path, integer] of NUMERIC) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (raw.trim() === '') throw new ConfigError(name, 'is only whitespace', `set ${name} to a number or unset it`);
    const value = Number(raw);
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      throw new ConfigError(name, `expected ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(raw)}`, `set ${name} to ${integer ? 'an integer' : 'a number'} or unset it`);
    }
    if (path[0] === 'retry') retry[path[1]!] = value;
    else defaults[path[0]!] = value;
  }
  const backoff = env.MQKIT_RETRY_BACKOFF;
  if (backoff !== undefined && backoff !== '') {
    if (backoff !== 'fixed' && backoff !== 'linear' && backoff !== 'exponential') {
      throw new ConfigError('MQKIT_RETRY_BACKOFF', `expected fixed, linear or exponential, got ${JSON.stringify(backoff)}`, 'set MQKIT_RETRY_BACKOFF to one of those or unset it');
    }
    retry.backoff = backoff;
  }
  if (Object.keys(retry).length > 0) defaults.retry = retry;
  return Object.keys(defaults).length > 0 ? { defaults } : {};
}
