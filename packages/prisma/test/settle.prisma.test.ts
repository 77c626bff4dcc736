// The hot path's ack finds its rows by the ctid claim.sql (or the last renewal) left them at, and
// settles by id whatever has moved since: a renewal's new row versions are followed, and rows moved
// behind the claim's back (here an UPDATE by another session) are still acked, still fenced.
import { Deliveries, uniqueQueueName, until, suiteName } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { newClient, reachable, sql, uniqueSchema } from './support/database.js';
import { open } from './support/open.js';

const db = await reachable();

/** A client whose raw statements are counted by which ack they are. */
function countingClient(): { client: ReturnType<typeof newClient>; acks: { byTid: number; byId: number } } {
  const acks = { byTid: 0, byId: 0 };
  const inner = newClient();
  const client = new Proxy(inner, {
    get(target, key, receiver) {
      if (key === '$queryRawUnsafe') {
        return (query: string, ...params: unknown[]) => {
          if (query.includes('m.ctid = ANY(($3::text)::tid[])')) acks.byTid++;
          if (query.includes('-- Settle a claim whose every message was acked, by id')) acks.byId++;
          return target.$queryRawUnsafe(query, ...params);
        };
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { client, acks };
}

const left = async (schema: string): Promise<number> => Number((await sql<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.messages`))[0]?.n);

describe.skipIf(!db.ok)(suiteName('acks by ctid', db), () => {
  it('a batch acked whole is deleted by the addresses the claim returned, in one statement', async () => {
    const schema = uniqueSchema('ackt');
    const { client, acks } = countingClient();
    const { queue } = await open(schema, { client });
    const name = uniqueQueueName('ackt');
    await queue.publish(name, Array.from({ length: 200 }, (_, i) => ({ payload: i })));
    const seen = new Deliveries();
    queue.consume(name, seen.processor(), { batchSize: 200 });
    await until(async () => seen.ids().size === 200 && (await left(schema)) === 0, 10_000, 'all acked and deleted');
    expect(acks.byTid).toBeGreaterThanOrEqual(1);
    expect(acks.byId).toBe(0);
  });

  it('after renewals (each writes new row versions) the ack still finds every row by its new address', async () => {
    const schema = uniqueSchema('ackr');
    const { client, acks } = countingClient();
    const { queue } = await open(schema, { client });
    const name = uniqueQueueName('ackr');
    await queue.publish(name, Array.from({ length: 50 }, (_, i) => ({ payload: i })));
    let renewals = 0;
    queue.lifecycle.add({ name: 'renewals', 'lease.renewed': () => void renewals++ });
    queue.consume(name, () => until(() => renewals >= 2, 10_000, 'two renewals'), { batchSize: 50, leaseMs: 300 });
    await until(async () => (await left(schema)) === 0, 15_000, 'the batch acked and deleted');
    expect(renewals).toBeGreaterThanOrEqual(2);
    expect(acks.byId).toBe(0);
  });

  it('rows moved behind the claim (updated by another session) are acked by id, and only the claim\'s own rows', async () => {
    const schema = uniqueSchema('ackm');
    const { client, acks } = countingClient();
    const { queue } = await open(schema, { client });
    const name = uniqueQueueName('ackm');
    await queue.publish(name, Array.from({ length: 40 }, (_, i) => ({ payload: i })));
    const seen = new Deliveries();
    queue.consume(
      name,
      seen.processor(async () => {
        // Every row of the batch gets a new version, so the addresses the claim returned are stale.
        await sql(`UPDATE ${schema}.messages SET headers = headers || '{"moved":"yes"}'::jsonb WHERE lease_token IS NOT NULL`);
      }),
      { batchSize: 40 },
    );
    await until(async () => seen.ids().size === 40 && (await left(schema)) === 0, 10_000, 'all acked and deleted');
    expect(seen.all).toHaveLength(40);
    expect(acks.byId).toBeGreaterThanOrEqual(1);
  });
});
