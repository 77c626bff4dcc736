import { ConfigError } from '@mqkit/core';
import type { RedisLike } from '../coordination/redis-like.js';

/**
 * A Redis connection for one operator command: connects at once and fails fast (no endless
 * reconnecting: an operator wants "Redis does not answer", not a hang).
 */
export async function connectAdminRedis(url: string, timeoutMs = 3_000): Promise<RedisLike> {
  let mod: { default?: unknown; Redis?: unknown };
  try {
    mod = await import('ioredis');
  } catch (error) {
    throw new ConfigError('kinesisAdmin.redis', 'a redis:// URL needs the ioredis package, which is not installed', 'npm install ioredis, or pass your own client', { source: 'kinesis', cause: error });
  }
  const Redis = (mod.Redis ?? mod.default) as new (url: string, options: Record<string, unknown>) => RedisLike & { connect(): Promise<void> };
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
