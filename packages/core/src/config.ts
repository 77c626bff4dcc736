import { ConfigError } from './errors/config-error.js';
import { Lifecycle, type LifecycleErrorHandler } from './lifecycle/lifecycle.js';
import type { LifecycleListener } from './lifecycle/events.js';
import type { QueueProvider } from './contracts/provider.js';
import type { ConsumeOptions } from './contracts/queue.js';
import { DEFAULT_CONSUME_SETTINGS, DEFAULTS_KEYS, resolveConsumeSettings, type ConsumeSettings } from './runtime/consume-settings.js';
import { systemClock, type Clock } from './util/clock.js';
import { createIdGenerator, type IdGenerator } from './util/ids.js';
import { noopLogger, type Logger } from './util/logger.js';
import { optionalFunction, rejectUnknownKeys, requireObject } from './util/validate.js';

/** Everything `createQueue` takes. Only `provider` is required. */
export interface QueueConfig {
  /** The backend: `memory()`, `prisma({...})`, `kinesis({...})`, or your own {@link QueueProvider}. */
  readonly provider: QueueProvider;
  /** Listeners added at creation (more can be added with `queue.lifecycle.add`). */
  readonly lifecycle?: readonly LifecycleListener[];
  /**
   * Where a listener's error goes. Default: `logger.error` when a logger is given, else a Node
   * process warning for the first failure of each listener.
   */
  readonly onLifecycleError?: LifecycleErrorHandler;
  /** Default: a no-op logger. */
  readonly logger?: Logger;
  /** Default: `Date.now`. */
  readonly clock?: Clock;
  /** Default: a fast random-prefix + counter generator. */
  readonly ids?: IdGenerator;
  /** Random source in [0, 1) for retry jitter. Default `Math.random`; inject a fixed one in tests. */
  readonly random?: () => number;
  /** Consumer defaults for every `consume`/`pull` of this queue (each call can override). */
  readonly defaults?: Omit<ConsumeOptions, 'signal' | 'consumerId'>;
}

/** The validated config. */
export interface ResolvedConfig {
  readonly provider: QueueProvider;
  readonly lifecycle: Lifecycle;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly defaults: ConsumeSettings;
  readonly random: () => number;
}

const KEYS = ['provider', 'lifecycle', 'onLifecycleError', 'logger', 'clock', 'ids', 'random', 'defaults'];
const PROVIDER_METHODS = ['open', 'publish', 'receiver', 'stats', 'close'] as const;

export function resolveConfig(input: unknown): ResolvedConfig {
  const config = requireObject(input, 'config', 'call createQueue({ provider: memory() })');
  rejectUnknownKeys(config, '', KEYS);
  const provider = resolveProvider(config.provider);
  const logger = resolveLogger(config.logger);
  const onError = optionalFunction<LifecycleErrorHandler>(
    config.onLifecycleError,
    'onLifecycleError',
    config.logger === undefined ? warnOncePerListener() : (error, info) => logger.error('lifecycle listener failed', { error, ...info }),
  );
  const lifecycle = new Lifecycle({ onError });
  if (config.lifecycle !== undefined) {
    if (!Array.isArray(config.lifecycle)) {
      throw new ConfigError('lifecycle', 'expected an array of listeners', 'pass lifecycle: [listenerA, listenerB]');
    }
    (config.lifecycle as unknown[]).forEach((listener, i) => {
      if (typeof listener !== 'object' || listener === null) {
        throw new ConfigError(`lifecycle[${i}]`, 'expected a listener object', "pass { 'message.processed': (e) => … } or { onEvent: (e) => … }");
      }
      lifecycle.add(listener);
    });
  }
  const clock = config.clock === undefined ? systemClock : (config.clock as Clock);
  if (typeof clock?.now !== 'function') {
    throw new ConfigError('clock', 'expected { now(): number }', 'pass an object with a now() method returning epoch ms, or leave it out');
  }
  return {
    provider,
    lifecycle,
    logger,
    clock,
    ids: optionalFunction<IdGenerator>(config.ids, 'ids', createIdGenerator()),
    defaults: resolveConsumeSettings(config.defaults, 'defaults', DEFAULT_CONSUME_SETTINGS, DEFAULTS_KEYS),
    random: optionalFunction<() => number>(config.random, 'random', Math.random),
  };
}

function resolveProvider(value: unknown): QueueProvider {
  const fix = "pass a provider, e.g. provider: memory() from '@mqkit/memory'";
  if (typeof value !== 'object' || value === null) throw new ConfigError('provider', 'is missing', fix);
  const p = value as Record<string, unknown>;
  for (const method of PROVIDER_METHODS) {
    if (typeof p[method] !== 'function') throw new ConfigError('provider', `has no ${method}() method: it is not a QueueProvider`, fix);
  }
  if (typeof p.name !== 'string' || typeof p.capabilities !== 'object' || typeof p.deadLetters !== 'object') {
    throw new ConfigError('provider', 'lacks name, capabilities or deadLetters: it is not a QueueProvider', fix);
  }
  return value as QueueProvider;
}

function resolveLogger(value: unknown): Logger {
  if (value === undefined) return noopLogger;
  const l = value as Record<string, unknown>;
  for (const level of ['debug', 'info', 'warn', 'error']) {
    if (typeof l?.[level] !== 'function') {
      throw new ConfigError(`logger.${level}`, 'is not a function', 'pass a logger with debug/info/warn/error methods (pino, console, …)');
    }
  }
  return value as Logger;
}

/**
 * With neither a logger nor an onLifecycleError, a failing listener must not be silent: the first
 * failure of each listener becomes a Node process warning (stderr), later ones are not repeated.
 */
function warnOncePerListener(): LifecycleErrorHandler {
  const warned = new Set<string>();
  return (error, info) => {
    if (warned.has(info.listener)) return;
    warned.add(info.listener);
    const detail = error instanceof Error ? error.message : String(error);
    process.emitWarning(
      `lifecycle listener "${info.listener}" failed on ${info.event}: ${detail} (further failures of this listener are not reported; pass a logger or onLifecycleError to see them all)`,
      { code: 'MQKIT_LISTENER_FAILED' },
    );
  };
}
