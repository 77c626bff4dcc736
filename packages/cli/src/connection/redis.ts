import { isMqkitError, ErrorCode } from '@mqkit/core';
import { connectRedisFailFast, type RedisLike } from '@mqkit/kinesis';
import { CliError, ExitCode } from '../exit-codes.js';
import { redact } from './pg-client.js';

/** A Redis connection for one command: connected at once, failing fast (exit 3) instead of reconnecting forever. */
export async function connectRedis(url: string): Promise<RedisLike> {
  try {
    return await connectRedisFailFast(url, 3_000, '--redis-url');
  } catch (error) {
    if (isMqkitError(error, ErrorCode.Config)) throw new CliError(ExitCode.Usage, '--redis-url needs the ioredis package, which is not installed: npm install ioredis', { cause: error });
    throw new CliError(ExitCode.Connection, `cannot reach Redis at ${redact(url)}: ${error instanceof Error ? error.message : String(error)}; check --redis-url / REDIS_URL and that the server runs`, { cause: error });
  }
}
