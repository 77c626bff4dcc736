import type { CoordinationStore } from '../coordination/coordination-store.js';
import type { KinesisApi, ShardInfo } from '../kinesis/kinesis-api.js';

/**
 * Lists the stream's shards (ListShards, paginated, with a ShardFilter) and records them in Redis
 * with their parents (the ShardSyncer): a child becomes assignable once every parent, the adjacent
 * parent of a merge included, is finished. Keeps the hash ranges for the readers (KPL filtering).
 */
export class ShardSyncer {
  readonly #infos = new Map<string, ShardInfo>();
  #running: Promise<void> | undefined;

  constructor(
    private readonly api: KinesisApi,
    private readonly store: CoordinationStore,
    private readonly stream: string,
    private readonly initialPosition: string,
  ) {}

  info(shardId: string): ShardInfo | undefined {
    return this.#infos.get(shardId);
  }

  get shards(): readonly ShardInfo[] {
    return [...this.#infos.values()];
  }

  /** One sync at a time; a call while one runs waits for it. */
  sync(): Promise<void> {
    this.#running ??= this.#sync().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #sync(): Promise<void> {
    const shards = await this.api.listShards(this.stream);
    for (const s of shards) this.#infos.set(s.shardId, s);
    await this.store.sync(
      shards.map((s) => [s.shardId, s.parents, s.closed] as const),
      this.initialPosition,
    );
  }
}
