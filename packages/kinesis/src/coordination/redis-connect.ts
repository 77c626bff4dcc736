import { ConfigError } from '@mqkit/core';
import type { RedisLike } from './redis-like.js';

type RedisClass = new (url: string, options: Record<string, unknown>) => RedisLike & { connect(): Promise<void> };

/** ioredis, loaded when a redis:// URL is given (it is an optional peer); `field` names the option in the error. */
async function loadIoredis(field: string): Promise<RedisClass> {
  let mod: { default?: unknown; Redis?: unknown };
  try {
    mod = await import('ioredis');
  } catch (error) {
    throw new ConfigError(field, 'a redis:// URL needs the ioredis package, which is not installed', 'npm install ioredis, or pass your own client', { source: 'kinesis', cause: error });
  }
  return (mod.Redis ?? mod.default) as RedisClass;
}

/** The provider's own client for `kinesis({ redis: url })`: reconnects on its own, pipelines automatically. */
export async function connectRedis(url: string): Promise<RedisLike> {
  const Redis = await loadIoredis('kinesis.redis');
  return new Redis(url, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
}

/**
 * A Redis connection for one operator command: connects at once and fails fast (no endless
 * reconnecting: an operator wants "Redis does not answer", not a hang). A missing ioredis is a
 * `ConfigError`; anything else is the connection's own error.
 */
export async function connectRedisFailFast(url: string, timeoutMs = 3_000, field = 'kinesisAdmin.redis'): Promise<RedisLike> {
  const Redis = await loadIoredis(field);
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 1, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return redis;
}
