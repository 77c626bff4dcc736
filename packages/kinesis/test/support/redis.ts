// The Redis the tests use: REDIS_URL, else the local server. Each test gets a key prefix of its own
// and deletes its keys afterwards.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether Redis answers, and if not why: suites that need it register as skipped with this reason. */
export async function redisReachable(url = REDIS_URL): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    await client.ping();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `no Redis at ${url} (${error instanceof Error ? error.message : String(error)}); set REDIS_URL` };
  } finally {
    client.disconnect();
  }
}

const run = randomBytes(3).toString('hex');
let counter = 0;

/** A key prefix no other test uses. */
export function uniquePrefix(tag = 't'): string {
  return `mqkit-test:${tag}:${run}${process.pid.toString(36)}:${(++counter).toString(36)}:`;
}

/** Deletes every key under `prefix`. */
export async function dropPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  // Fails fast (instead of reconnecting forever) when that Redis is gone, e.g. a test's own, stopped.
  const client = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 2_000 });
  client.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
