import type { RedisLike } from '@mqkit/kinesis';
import { CliError, ExitCode } from '../exit-codes.js';
import { redact } from './pg-client.js';

/** A Redis connection for one command: connected at once, failing fast (exit 3) instead of reconnecting forever. */
export async function connectRedis(url: string): Promise<RedisLike> {
  let Redis: new (url: string, options: Record<string, unknown>) => RedisLike & { connect(): Promise<void>; ping(): Promise<string> };
  try {
    const mod = (await import('ioredis')) as unknown as { Redis?: typeof Redis; default?: typeof Redis };
    Redis = (mod.Redis ?? mod.default)!;
  } catch (error) {
    throw new CliError(ExitCode.Usage, '--redis-url needs the ioredis package, which is not installed: npm install ioredis', { cause: error });
  }
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new CliError(ExitCode.Connection, `cannot reach Redis at ${redact(url)}: ${error instanceof Error ? error.message : String(error)}; check --redis-url / REDIS_URL and that the server runs`, { cause: error });
  }
  return redis;
}
