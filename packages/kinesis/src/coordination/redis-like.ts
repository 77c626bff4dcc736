/**
 * What the provider uses of an ioredis client (`Redis` or `Cluster`): declared structurally, so the
 * types need no ioredis at compile time and a Cluster fits as well as a single node.
 */
export interface RedisLike {
  evalsha(sha: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
  set(key: string, value: string, px: 'PX', ms: number, nx: 'NX'): Promise<'OK' | null>;
  hget(key: string, field: string): Promise<string | null>;
  hgetall(key: string): Promise<Record<string, string>>;
  zrange(key: string, start: number, stop: number, withScores?: 'WITHSCORES'): Promise<string[]>;
  xrange(key: string, start: string, end: string, count: 'COUNT', n: number): Promise<Array<[id: string, fields: string[]]>>;
  xlen(key: string): Promise<number>;
  zrem(key: string, ...members: string[]): Promise<number>;
  del(...keys: string[]): Promise<number>;
  publish(channel: string, message: string): Promise<number>;
  duplicate(): RedisLike;
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
}
