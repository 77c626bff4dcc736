import type { ShardConsumer } from './shard-consumer.js';
import type { WorkerContext } from './worker-context.js';

/** What the claim desk needs of its stream worker (which implements it). */
export interface DeskHost {
  readonly ctx: WorkerContext;
  /** The shards this worker leases now. */
  readonly shards: ReadonlyMap<string, ShardConsumer>;
  readonly running: boolean;
  /** Started; rejects with what stopped the start. */
  ready(): Promise<void>;
  /** The lease is gone: stop the shard at once, abort its claim. */
  loseShard(shard: ShardConsumer, why: string): void;
  /** Releases shards (to `to(shard)`: a peer, '' for anyone, this worker to keep them). */
  release(shards: readonly ShardConsumer[], to: (s: ShardConsumer) => string, abandoned: boolean, leave: boolean): Promise<void>;
  handOverIfIdle(shard: ShardConsumer): Promise<void>;
  finishIfDrained(shard: ShardConsumer): Promise<void>;
  /** The least-loaded live peer, or '' when alone. */
  peer(): string;
}
