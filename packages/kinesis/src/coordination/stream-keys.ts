/**
 * The Redis keys of one application's view of one stream. They share one hash tag
 * (`{application:stream}`), so on a Redis Cluster they live in one slot and every script can touch
 * all of them atomically.
 */
export interface StreamKeys {
  /** zset worker id -> membership expiry (Redis time, ms). */
  readonly members: string;
  /** hash shard id -> lease JSON {o: owner, e: epoch, x: expiry, w: wanted by, wa: asked at}. */
  readonly leases: string;
  /** hash shard id -> {p: parents, s: start position, d: 1 when finished}. */
  readonly shards: string;
  /** hash: `init` once the application's first shard sync ran. */
  readonly meta: string;
  /** hash shard id -> checkpoint position. */
  readonly checkpoints: string;
  /** hash shard id -> the claim out on that shard {e, f, t, k}. */
  readonly inflight: string;
  /** hash shard id -> attempt entries (failed, abandoned and done-ahead records past the checkpoint). */
  readonly attempts: string;
  /** hash shard id -> last fencing epoch (INCR on every change of owner). */
  readonly epochs: string;
  /** stream of dead letters. */
  readonly dead: string;
  /** hash message id -> dead-letter stream entry id. */
  readonly deadIndex: string;
  /** zset publisher-given message id -> until when it is remembered. */
  readonly ids: string;
  /** string: held by the worker that is joining (workers join one at a time). */
  readonly startLock: string;
  /** pub/sub channel: join, leave, hand-over and steal requests nudge every worker. */
  readonly channel: string;
}

export function streamKeys(prefix: string, application: string, stream: string): StreamKeys {
  const base = `${prefix}{${application}:${stream}}:`;
  return {
    members: `${base}members`,
    leases: `${base}leases`,
    shards: `${base}shards`,
    meta: `${base}meta`,
    checkpoints: `${base}checkpoints`,
    inflight: `${base}inflight`,
    attempts: `${base}attempts`,
    epochs: `${base}epochs`,
    dead: `${base}dead`,
    deadIndex: `${base}dead-index`,
    ids: `${base}ids`,
    startLock: `${base}start-lock`,
    channel: `${base}nudge`,
  };
}

/** Every key of the stream (for tests and `purge`-like tooling). */
export function allKeys(keys: StreamKeys): string[] {
  return (Object.entries(keys) as Array<[keyof StreamKeys, string]>).filter(([name]) => name !== 'channel').map(([, key]) => key);
}
