import type { MetricSet, QueueCells } from './metric-set.js';

/**
 * Shard leases this process holds, and the per-shard lag series. A shard's lag series exist while
 * it reports lag and are removed when its lease is lost or released, so the `shard` label is
 * bounded by the shards a worker owns, not by every shard a stream ever had. Past `maxShards`
 * live lag series, new shards are not recorded (a guard, far above any worker's share).
 */
export class ShardLeases {
  readonly #set: MetricSet;
  readonly #maxShards: number;
  readonly #held = new Map<QueueCells, Set<string>>();
  readonly #lagging = new Map<QueueCells, Set<string>>();

  constructor(set: MetricSet, maxShards: number) {
    this.#set = set;
    this.#maxShards = maxShards;
  }

  /** `lease.acquired` / `lease.stolen` of a shard. */
  held(q: QueueCells, shard: string): void {
    const held = setOf(this.#held, q);
    if (held.has(shard)) return;
    held.add(shard);
    q.leasesHeld.shard.value = held.size;
  }

  /** `lease.lost` / `lease.released` of a shard. */
  gone(q: QueueCells, shard: string): void {
    const held = this.#held.get(q);
    if (held?.delete(shard)) q.leasesHeld.shard.value = held.size;
    if (this.#lagging.get(q)?.delete(shard)) {
      const { gauges } = this.#set;
      gauges.kinesisLagSeconds.remove([...q.labels, shard]);
      gauges.kinesisLagRecords.remove([...q.labels, shard]);
    }
  }

  /** A `lag` event of a shard. */
  lag(q: QueueCells, shard: string, ms: number | undefined, records: number | undefined): void {
    const lagging = setOf(this.#lagging, q);
    if (!lagging.has(shard)) {
      if (this.#liveShards() >= this.#maxShards) return;
      lagging.add(shard);
    }
    const { gauges } = this.#set;
    if (typeof ms === 'number' && Number.isFinite(ms)) gauges.kinesisLagSeconds.child([...q.labels, shard]).value = Math.max(0, ms) / 1000;
    if (typeof records === 'number' && Number.isFinite(records)) gauges.kinesisLagRecords.child([...q.labels, shard]).value = Math.max(0, records);
  }

  #liveShards(): number {
    let n = 0;
    for (const set of this.#lagging.values()) n += set.size;
    return n;
  }
}

function setOf(map: Map<QueueCells, Set<string>>, q: QueueCells): Set<string> {
  let set = map.get(q);
  if (set === undefined) {
    set = new Set();
    map.set(q, set);
  }
  return set;
}
