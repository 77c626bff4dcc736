// Publishing inside the application's Prisma transaction (the transactional outbox).
import { Deliveries, delay, uniqueQueueName, until, suiteName } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { reachable, uniqueSchema } from './support/database.js';
import { open } from './support/open.js';

const db = await reachable();

describe.skipIf(!db.ok)(suiteName('publish inside a transaction', db), () => {
  it('a message published in a transaction is invisible until the transaction commits, then delivered', async () => {
    const { queue, client } = await open(uniqueSchema('txcommit'), { pollIntervalMs: 20 });
    const name = uniqueQueueName('outbox');
    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    let id = '';
    await client.$transaction(async (tx) => {
      id = (await queue.publish(name, { payload: { order: 7 } }, { transaction: tx })).ids[0]!;
      await delay(200); // prove a negative: nobody sees it before the commit
      expect(seen.count(id)).toBe(0);
      expect((await queue.stats(name)).ready, 'not visible outside the transaction').toBe(0);
    });
    await until(() => seen.count(id) === 1, 5_000, 'delivered after the commit');
  });

  it('a message published in a transaction that rolls back is never delivered', async () => {
    const { queue, client } = await open(uniqueSchema('txrollback'), { pollIntervalMs: 20 });
    const name = uniqueQueueName('outbox');
    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    await expect(
      client.$transaction(async (tx) => {
        await queue.publish(name, { payload: 'never' }, { transaction: tx });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    const { ids } = await queue.publish(name, { payload: 'after' });
    await until(() => seen.count(ids[0]!) === 1, 5_000, 'a later message is delivered');
    expect(seen.all.map((d) => d.message.payload)).toEqual(['after']);
  });
});
