// A split and a merge while worker processes consume, with an oracle stronger than the KCL's: per
// partition key, records arrive in increasing sequence across parent and child shards (a child is
// read only after every parent, the adjacent parent of a merge included, reached SHARD_END),
// nothing is missing, duplicates are counted and bounded.
import { DescribeStreamSummaryCommand, ListShardsCommand, MergeShardsCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { checkDeliveries, readDeliveries, readEvents, until, suiteName } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { faultSuite } from '../support/fault-run.js';
import { record } from '../support/figures.js';
import { redisReachable } from '../support/redis.js';

const reachable = await redisReachable();
const suite = faultSuite('reshard');

async function active(client: KinesisClient, stream: string): Promise<void> {
  for (;;) {
    const s = await client.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.skipIf(!reachable.ok)(suiteName('kinesis resharding while consuming', reachable), () => {
  it('a split and then a merge mid-run: per key in order across parents and children, nothing missing, no duplicates beyond what was in flight', async () => {
    const r = await suite.fresh(2);
    const env = { LEASE_MS: 1_500, BATCH: 10, SYNC_MS: 500 };
    // Slow enough (20 ms a batch of 10) that the parents still hold records when the children open.
    await r.start('a', env, 20);
    await r.start('b', env, 20);
    const keys = 16;
    let round = 0;
    const publishRounds = async (rounds: number): Promise<void> => {
      for (let i = 0; i < rounds; i++, round++) {
        const batch = Array.from({ length: keys }, (_, k) => ({ payload: { key: `k${k}`, seq: round }, partitionKey: `k${k}` }));
        const { ids } = await r.queue.publish(r.stream, batch);
        ids.forEach((id, k) => r.published.push({ id, partitionKey: `k${k}`, seq: round }));
      }
    };
    await publishRounds(20);
    await until(() => readDeliveries(r.dir).length > 100, 15_000, 'consumption under way');

    const { Shards: before = [] } = await r.client.send(new ListShardsCommand({ StreamName: r.stream }));
    const first = before.find((s) => s.ShardId === 'shardId-000000000000')!;
    const mid = (BigInt(first.HashKeyRange!.StartingHashKey!) + BigInt(first.HashKeyRange!.EndingHashKey!)) / 2n;
    await r.client.send(new SplitShardCommand({ StreamName: r.stream, ShardToSplit: first.ShardId, NewStartingHashKey: mid.toString() }));
    await active(r.client, r.stream);
    await publishRounds(20);

    // Merge the upper child of the split with its neighbour, shard 1: a child with two parents.
    const { Shards: split = [] } = await r.client.send(new ListShardsCommand({ StreamName: r.stream }));
    const upper = split.find((s) => s.ParentShardId === first.ShardId && s.HashKeyRange!.StartingHashKey === mid.toString())!;
    await r.client.send(new MergeShardsCommand({ StreamName: r.stream, ShardToMerge: upper.ShardId, AdjacentShardToMerge: 'shardId-000000000001' }));
    await active(r.client, r.stream);
    await publishRounds(20);

    await until(() => checkDeliveries(r.published, readDeliveries(r.dir)).missing.length === 0, 30_000, () => `all delivered (missing ${checkDeliveries(r.published, readDeliveries(r.dir)).missing.length})`);
    const report = checkDeliveries(r.published, readDeliveries(r.dir), { ordered: true });
    const events = readEvents(r.dir);
    const finished = events.filter((e) => e.type === 'checkpoint' && e.sequenceNumber === 'SHARD_END').map((e) => e.shardId);
    expect(new Set(finished)).toEqual(new Set(['shardId-000000000000', upper.ShardId, 'shardId-000000000001']));
    const handoffs = events.filter((e) => e.type === 'lease.lost' && e.kind === 'shard').length;
    record('kinesis', { fault: 'split, then merge, mid-run (2 workers)', sent: report.sent, lost: report.missing.length, duplicates: report.duplicates, recoverMs: undefined });
    expect(report.missing).toEqual([]);
    expect(report.unknown).toEqual([]);
    expect(report.orderViolations).toEqual([]);
    expect(report.duplicates).toBeLessThanOrEqual(handoffs * env.BATCH); // only what a lost lease had in flight
    const { Shards: after = [] } = await r.client.send(new ListShardsCommand({ StreamName: r.stream }));
    const merged = after.find((s) => s.AdjacentParentShardId !== undefined)!;
    const status = await r.provider.status(r.stream);
    expect(status.shards.find((s) => s.shardId === merged.ShardId)?.parents).toEqual([upper.ShardId, 'shardId-000000000001']);
  });
});
