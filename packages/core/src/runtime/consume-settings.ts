import { ConfigError } from '../errors/config-error.js';
import { resolveRetryPolicy, type RetryPolicy } from '../retry/retry-policy.js';
import { optionalBoolean, optionalInt, rejectUnknownKeys, requireObject } from '../util/validate.js';

/** Consumer options with every default applied and validated. */
export interface ConsumeSettings {
  readonly concurrency: number;
  readonly batchSize: number;
  readonly timeoutMs: number;
  readonly leaseMs: number;
  readonly retry: RetryPolicy;
  readonly ordered: boolean;
  readonly shutdownTimeoutMs: number;
}

export const DEFAULT_CONSUME_SETTINGS: ConsumeSettings = Object.freeze({
  concurrency: 1,
  batchSize: 1,
  timeoutMs: 30_000,
  leaseMs: 10_000,
  retry: resolveRetryPolicy(undefined, 'retry'),
  ordered: false,
  shutdownTimeoutMs: 30_000,
});

const COMMON_KEYS = ['timeoutMs', 'leaseMs', 'retry', 'ordered', 'consumerId'];
/** Options `consume()` takes. */
export const CONSUME_KEYS: readonly string[] = [...COMMON_KEYS, 'concurrency', 'batchSize', 'shutdownTimeoutMs', 'signal'];
/** Options `pull()` passes on here (it handles `max`, `waitMs` and `signal` itself). */
export const PULL_KEYS: readonly string[] = COMMON_KEYS;
/** Options `createQueue({ defaults })` takes. */
export const DEFAULTS_KEYS: readonly string[] = ['timeoutMs', 'leaseMs', 'retry', 'ordered', 'concurrency', 'batchSize', 'shutdownTimeoutMs'];
const MAX_MS = 2 ** 31 - 1; // setTimeout's ceiling

/** Validates `options` (named `field` in errors) over `base`. */
export function resolveConsumeSettings(options: unknown, field: string, base: ConsumeSettings, keys: readonly string[]): ConsumeSettings {
  if (options === undefined) return base;
  const o = requireObject(options, field, 'pass an options object or nothing');
  rejectUnknownKeys(o, field, keys);
  const settings: ConsumeSettings = {
    concurrency: optionalInt(o.concurrency, `${field}.concurrency`, 1, base.concurrency, 10_000),
    batchSize: optionalInt(o.batchSize, `${field}.batchSize`, 1, base.batchSize, 100_000),
    timeoutMs: optionalInt(o.timeoutMs, `${field}.timeoutMs`, 1, base.timeoutMs, MAX_MS),
    leaseMs: optionalInt(o.leaseMs, `${field}.leaseMs`, 10, base.leaseMs, MAX_MS),
    retry: resolveRetryPolicy(o.retry, `${field}.retry`, base.retry),
    ordered: optionalBoolean(o.ordered, `${field}.ordered`, base.ordered),
    shutdownTimeoutMs: optionalInt(o.shutdownTimeoutMs, `${field}.shutdownTimeoutMs`, 0, base.shutdownTimeoutMs, MAX_MS),
  };
  if (o.consumerId !== undefined && (typeof o.consumerId !== 'string' || o.consumerId.length === 0)) {
    throw new ConfigError(`${field}.consumerId`, 'expected a non-empty string', 'pass a name for this consumer or leave it out');
  }
  return settings;
}

/** Settings as plain overrides, for `createQueue({ defaults })`. */
export type ConsumeDefaults = Partial<Omit<ConsumeSettings, 'retry'>> & { readonly retry?: Partial<RetryPolicy> };

