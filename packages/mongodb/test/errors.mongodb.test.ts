// Bad input and bad configuration on a real server: typed errors naming the field and the fix,
// never a crash of the consumer loop, never a silent drop.
import { createQueue, ErrorCode, isMqkitError } from '@mqkit/core';
import { Deliveries, collectEvents, nextEvent, uniqueQueueName, until } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { ensureIndexes, INDEXES, mongodb } from '../src/index.js';
import { dropDatabase, named, newClient, reachable, uniqueDatabase } from './support/server.js';
import { open, thrownBy } from './support/open.js';

const server = await reachable();
const url = server.ok ? server.url : '';
const field = (e: unknown): unknown => (e as { field?: unknown }).field;

describe.skipIf(!server.ok)(named('bad input and configuration on MongoDB', server), () => {
  it('a payload JSON cannot carry (BigInt, a cycle) is a ValidationError naming messages[i].payload, and nothing is stored', async () => {
    const { queue } = await open(url, uniqueDatabase('payload'));
    const name = uniqueQueueName('payload');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const bad of [1n, cycle]) {
      const error = await thrownBy(() => queue.publish(name, [{ payload: 'fine' }, { payload: bad }]));
      expect(isMqkitError(error, ErrorCode.Validation), String(error)).toBe(true);
      expect(field(error)).toBe('messages[1].payload');
    }
    expect((await queue.stats(name)).ready).toBe(0);
  });

  it('a payload over the 16 MiB BSON document limit is a PayloadTooLargeError; a header name BSON cannot store is a ValidationError', async () => {
    const { queue } = await open(url, uniqueDatabase('large'));
    const name = uniqueQueueName('large');
    const large = await thrownBy(() => queue.publish(name, { payload: 'x'.repeat(17 * 1024 * 1024) }));
    expect(isMqkitError(large, ErrorCode.PayloadTooLarge)).toBe(true);
    const header = await thrownBy(() => queue.publish(name, { payload: 1, headers: { 'a.b': 'x' } }));
    expect(field(header)).toBe('messages[0].headers');
    expect((await queue.stats(name)).ready).toBe(0);
  });

  it('payloads keep JSON semantics, whatever their keys: "$"-keys and dotted keys round-trip (the payload is stored as JSON text)', async () => {
    const { queue } = await open(url, uniqueDatabase('keys'));
    const name = uniqueQueueName('keys');
    const payload = { $schema: 'x', 'a.b': { $ref: '#/c' }, nul: 'a\u0000b' };
    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    const { ids } = await queue.publish(name, { payload });
    await until(() => seen.count(ids[0]!) === 1, 5_000, 'delivered');
    expect(seen.of(ids[0]!)[0]!.message.payload).toEqual(payload);
  });

  it('an undeclared queue is an UnknownQueueError on publish and on consume', async () => {
    const { queue } = await open(url, uniqueDatabase('declared'), { queues: ['orders'] });
    expect(isMqkitError(await thrownBy(() => queue.publish('invoices', { payload: 1 })), ErrorCode.UnknownQueue)).toBe(true);
    expect(isMqkitError(await thrownBy(() => queue.consume('invoices', () => undefined)), ErrorCode.UnknownQueue)).toBe(true);
  });

  it("indexes: 'check' on a database without them refuses to open with a SchemaError naming the missing indexes; after ensureIndexes (twice: idempotent) it opens", async () => {
    const database = uniqueDatabase('check');
    const client = newClient(url);
    try {
      const error = await thrownBy(() => createQueue({ provider: mongodb({ db: client.db(database), indexes: 'check' }) }));
      expect(isMqkitError(error, ErrorCode.Schema)).toBe(true);
      expect((error as Error).message).toMatch(/mqkit_claim/);
      await ensureIndexes(client.db(database));
      await ensureIndexes(client.db(database));
      const names = (await client.db(database).collection('mqkit_messages').listIndexes().toArray()).map((i) => String((i as { name?: unknown }).name));
      for (const spec of INDEXES.filter((i) => i.collection === 'messages')) expect(names).toContain(spec.name);
      const queue = await createQueue({ provider: mongodb({ db: client.db(database), indexes: 'check' }) });
      await queue.close();
    } finally {
      await client.close();
      await dropDatabase(url, database);
    }
  });

  it("a consumer whose indexes vanish (the collection dropped while it runs) stops with reason 'error' and a SchemaError with the fix, instead of claiming without them", async () => {
    const database = uniqueDatabase('vanish');
    const { queue, client } = await open(url, database, { wakeUp: 'poll', pollIntervalMs: 20 });
    const name = uniqueQueueName('vanish');
    const log = collectEvents(queue.lifecycle);
    await queue.publish(name, { payload: 'before' });
    await client.db(database).collection('mqkit_messages').drop();
    await client.db(database).collection('mqkit_messages').insertOne({ q: 'other' }); // recreated, without indexes
    const consumer = queue.consume(name, () => undefined);
    expect(await consumer.stopped).toBe('error');
    expect(isMqkitError(consumer.error, ErrorCode.Schema)).toBe(true);
    expect((consumer.error as Error).message).toMatch(/ensureIndexes/);
    expect(log.of('consumer.stopped')[0]!.reason).toBe('error');
  });

  it.skipIf(!server.ok || server.replicaSet)(`wakeUp: 'changeStream' on a standalone server refuses to open with a ConfigError naming mongodb.wakeUp${server.ok && server.replicaSet ? ' — skipped: the server is a replica set' : ''}`, async () => {
    const client = newClient(url);
    try {
      const error = await thrownBy(() => createQueue({ provider: mongodb({ db: client.db(uniqueDatabase('standalone')), wakeUp: 'changeStream' }) }));
      expect(isMqkitError(error, ErrorCode.Config)).toBe(true);
      expect(field(error)).toBe('mongodb.wakeUp');
    } finally {
      await client.close();
    }
  });

  it('a message whose retry comes due after its expiry is dropped with message.expired, never processed again', async () => {
    const { queue } = await open(url, uniqueDatabase('expiry'));
    const name = uniqueQueueName('expiry');
    const { ids } = await queue.publish(name, { payload: 'short-lived', ttlMs: 300 });
    const expired = nextEvent(queue.lifecycle, 'message.expired', (e) => e.message.id === ids[0], 5_000);
    const seen = new Deliveries();
    queue.consume(name, seen.processor(() => Promise.reject(new Error('not now'))), { retry: { backoff: 'fixed', delayMs: 500, jitter: 0 } });
    await expired;
    await until(async () => (await queue.stats(name)).ready === 0 && (await queue.stats(name)).delayed === 0, 5_000, 'gone');
    expect(seen.count(ids[0]!)).toBe(1);
  });

  it('a stored payload that is not JSON (written by something else) is dead-lettered as undecodable; consumption goes on', async () => {
    const database = uniqueDatabase('undecodable');
    const { queue, provider } = await open(url, database);
    const name = uniqueQueueName('undecodable');
    const { ids } = await queue.publish(name, [{ payload: 'bad' }, { payload: 'good' }]);
    await provider.messages.updateOne({ id: ids[0] }, { $set: { payload: '{"cut' } });
    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    await until(() => seen.count(ids[1]!) === 1, 5_000, 'the good one is delivered');
    await until(async () => (await queue.stats(name)).deadLettered === 1, 5_000, 'the bad one is a dead letter');
    expect((await queue.deadLetters.list(name)).items[0]!.reason).toBe('undecodable');
  });

  it('a provider instance given to createQueue twice is refused (one provider per queue)', async () => {
    const client = newClient(url);
    const provider = mongodb({ db: client.db(uniqueDatabase('twice')) });
    const queue = await createQueue({ provider });
    try {
      expect(isMqkitError(await thrownBy(() => createQueue({ provider })), ErrorCode.Config)).toBe(true);
    } finally {
      await queue.close();
      await client.close();
    }
  });
});
