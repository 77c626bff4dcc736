// The local servers the CLI tests use (DATABASE_URL and REDIS_URL override), with isolation: a
// Postgres schema, a Redis key prefix per test.
import { randomBytes } from 'node:crypto';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const run = randomBytes(3).toString('hex');
let n = 0;

/** A name no other test (or run) uses, for a schema, a stream or a key prefix. */
export function unique(tag: string): string {
  return `mqkit_cli_${tag}_${run}_${process.pid.toString(36)}_${(++n).toString(36)}`;
}
