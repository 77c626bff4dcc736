// What keeps the tables small: acked rows leave the hot table in the settle statement; the sweep
// forgets expired dedupe keys and deletes dead letters past their retention.
import { deadLetter } from '@mqkit/core';
import { Deliveries, uniqueQueueName, until, suiteName } from '@mqkit/testkit';
import { describe, it } from 'vitest';
import { reachable, sql, uniqueSchema } from './support/database.js';
import { open } from './support/open.js';

const db = await reachable();

describe.skipIf(!db.ok)(suiteName('housekeeping', db), () => {
  it('acked messages leave the hot table at once, retried ones stay until done', async () => {
    const schema = uniqueSchema('hot');
    const { queue } = await open(schema);
    const name = uniqueQueueName('hot');
    await queue.publish(name, Array.from({ length: 300 }, (_, i) => ({ payload: i })));
    const seen = new Deliveries();
    queue.consume(name, seen.processor(), { batchSize: 50, concurrency: 2 });
    await until(() => seen.ids().size === 300, 10_000, 'all processed');
    await until(async () => Number((await sql<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.messages`))[0]?.n) === 0, 5_000, 'the hot table is empty');
  });

  it('the sweep deletes dead letters past their retention and forgets dedupe keys whose window ended', async () => {
    const schema = uniqueSchema('sweep');
    const { queue } = await open(schema, { deadLetterRetentionMs: 200, sweepIntervalMs: 50, dedupeWindowMs: 100 });
    const name = uniqueQueueName('sweep');
    await queue.publish(name, [{ payload: 'dead' }, { payload: 'kept key', dedupeKey: 'k1' }]);
    const seen = new Deliveries();
    queue.consume(name, seen.processor(([m]) => (m!.payload === 'dead' ? [deadLetter(new Error('no'))] : undefined)));
    await until(async () => (await queue.stats(name)).deadLettered === 1, 5_000, 'one dead letter');
    await until(async () => (await queue.stats(name)).deadLettered === 0, 5_000, 'deleted after its retention');
    await until(async () => (await sql(`SELECT 1 FROM ${schema}.dedupe_keys`)).length === 0, 5_000, 'the expired dedupe key is forgotten');
  });
});
