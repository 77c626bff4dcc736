// Publishing inside the application's ClientSession transaction (the transactional outbox).
import { ErrorCode, isMqkitError } from '@mqkit/core';
import { Deliveries, delay, uniqueQueueName, until } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { named, reachable, uniqueDatabase } from './support/server.js';
import { open, thrownBy } from './support/open.js';

const server = await reachable();
const url = server.ok ? server.url : '';
const standalone = server.ok && !server.replicaSet;

describe.skipIf(!server.ok || standalone)(named(`publish inside a transaction${standalone ? ' — skipped: the server is a standalone (transactions need a replica set)' : ''}`, server), () => {
  it('a message published in a transaction is invisible until it commits, then delivered; with a business document in the same commit', async () => {
    const database = uniqueDatabase('txcommit');
    const { queue, client } = await open(url, database);
    const name = uniqueQueueName('outbox');
    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    let id = '';
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        await client.db(database).collection('orders').insertOne({ _id: 'o-7' as never, total: 7 }, { session });
        id = (await queue.publish(name, { payload: { order: 7 }, dedupeKey: 'order-7' }, { transaction: session })).ids[0]!;
        await delay(200); // prove a negative: nobody sees it before the commit
        expect(seen.count(id)).toBe(0);
        expect((await queue.stats(name)).ready, 'not visible outside the transaction').toBe(0);
      });
    } finally {
      await session.endSession();
    }
    await until(() => seen.count(id) === 1, 5_000, 'delivered after the commit');
  });

  it('a message published in a transaction that aborts is never delivered', async () => {
    const database = uniqueDatabase('txabort');
    const { queue, client } = await open(url, database);
    const name = uniqueQueueName('outbox');
    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    const session = client.startSession();
    try {
      session.startTransaction();
      await queue.publish(name, { payload: 'never' }, { transaction: session });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    const { ids } = await queue.publish(name, { payload: 'after' });
    await until(() => seen.count(ids[0]!) === 1, 5_000, 'a later message is delivered');
    expect(seen.all.map((d) => d.message.payload)).toEqual(['after']);
  });

  it('a duplicate dedupe key inside a transaction is reported, and the transaction stays usable (no failed write aborted it)', async () => {
    const { queue, client } = await open(url, uniqueDatabase('txdupe'));
    const name = uniqueQueueName('outbox');
    const first = await queue.publish(name, { payload: 1, dedupeKey: 'k' });
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        const again = await queue.publish(name, [{ payload: 2, dedupeKey: 'k' }, { payload: 3 }], { transaction: session });
        expect(again.duplicates).toEqual([{ index: 0, id: first.ids[0], dedupeKey: 'k' }]);
      });
    } finally {
      await session.endSession();
    }
    expect((await queue.stats(name)).ready).toBe(2);
  });

  it('a session with no transaction in progress, or not a session at all, is a ValidationError naming publish.transaction', async () => {
    const { queue, client } = await open(url, uniqueDatabase('txbad'));
    const session = client.startSession();
    try {
      for (const bad of [session, { commit: () => undefined }]) {
        const error = await thrownBy(() => queue.publish(uniqueQueueName('tx'), { payload: 1 }, { transaction: bad }));
        expect(isMqkitError(error, ErrorCode.Validation)).toBe(true);
        expect((error as { field?: unknown }).field).toBe('publish.transaction');
      }
    } finally {
      await session.endSession();
    }
  });
});
