// Bad input and bad configuration: typed errors naming the field and the fix, never a crash of the
// consumer loop, never a silent drop.
import { createQueue, ErrorCode, isMqkitError } from '@mqkit/core';
import { Deliveries, collectEvents, nextEvent, uniqueQueueName, until, suiteName } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { prisma } from '../src/index.js';
import { newClient, reachable, sql, uniqueSchema } from './support/database.js';
import { open, thrownBy } from './support/open.js';

const db = await reachable();
const field = (e: unknown): unknown => (e as { field?: unknown }).field;

describe('configuration', () => {
  const client = { $queryRawUnsafe: async () => [], $executeRawUnsafe: async () => 0, $transaction: async () => undefined };
  it.each<[string, Record<string, unknown>, string]>([
    ['no client', {}, 'prisma.client'],
    ['a client that is not a PrismaClient', { client: { query: () => undefined } }, 'prisma.client'],
    ['a schema name that needs quoting', { client, schema: 'My-Schema' }, 'prisma.schema'],
    ['an empty listen string', { client, listen: '' }, 'prisma.listen'],
    ['an unknown option', { client, pollInterval: 5 }, 'prisma.pollInterval'],
    ['a bad migrate mode', { client, migrate: 'always' }, 'prisma.migrate'],
    ['a poll interval of 0', { client, pollIntervalMs: 0 }, 'prisma.pollIntervalMs'],
    ['an invalid declared queue', { client, queues: ['ok', 'not ok'] }, 'prisma.queues[1]'],
  ])('%s is a ConfigError naming its field, with a fix', (_what, options, name) => {
    let error: unknown;
    try {
      prisma(options as never);
    } catch (e) {
      error = e;
    }
    expect(isMqkitError(error, ErrorCode.Config), String(error)).toBe(true);
    expect(field(error)).toBe(name);
    expect((error as Error).message).toMatch(/Fix: /);
  });
});

describe.skipIf(!db.ok)(suiteName('bad input', db), () => {
  it('a payload JSON or jsonb cannot carry (BigInt, a cycle, a NUL character) is a ValidationError naming messages[i].payload, and nothing is stored', async () => {
    const { queue } = await open(uniqueSchema('payload'));
    const name = uniqueQueueName('payload');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const [i, bad] of [1n, cycle, { text: 'a\u0000b' }].entries()) {
      const error = await thrownBy(() => queue.publish(name, [{ payload: 'fine' }, { payload: bad }]));
      expect(isMqkitError(error, ErrorCode.Validation), `case ${i}: ${String(error)}`).toBe(true);
      expect(field(error)).toBe('messages[1].payload');
    }
    expect((await queue.stats(name)).ready).toBe(0);
  });

  it('an undeclared queue is an UnknownQueueError on publish and on consume', async () => {
    const { queue } = await open(uniqueSchema('declared'), { queues: ['orders'] });
    expect(isMqkitError(await thrownBy(() => queue.publish('invoices', { payload: 1 })), ErrorCode.UnknownQueue)).toBe(true);
    expect(isMqkitError(await thrownBy(() => queue.consume('invoices', () => undefined)), ErrorCode.UnknownQueue)).toBe(true);
    await queue.publish('orders', { payload: 1 });
  });

  it('a publish transaction that is not a Prisma transaction is a ValidationError naming publish.transaction', async () => {
    const { queue } = await open(uniqueSchema('txbad'));
    const error = await thrownBy(() => queue.publish(uniqueQueueName('tx'), { payload: 1 }, { transaction: { commit: () => undefined } }));
    expect(isMqkitError(error, ErrorCode.Validation)).toBe(true);
    expect(field(error)).toBe('publish.transaction');
  });

  it('a consumer whose schema vanishes (dropped while it runs) stops with reason "error" and a SchemaError with the fix, instead of retrying forever', async () => {
    const schema = uniqueSchema('vanish');
    const { queue } = await open(schema, { pollIntervalMs: 20 });
    const name = uniqueQueueName('vanish');
    const log = collectEvents(queue.lifecycle);
    const consumer = queue.consume(name, () => undefined);
    await sql(`DROP SCHEMA ${schema} CASCADE`);
    expect(await consumer.stopped).toBe('error');
    expect(isMqkitError(consumer.error, ErrorCode.Schema)).toBe(true);
    expect((consumer.error as Error).message).toMatch(/migrate/);
    expect(log.of('consumer.stopped')[0]!.reason).toBe('error');
  });

  it('a message whose retry comes due after its expiry is dropped with message.expired, never processed again', async () => {
    const { queue } = await open(uniqueSchema('expiry'));
    const name = uniqueQueueName('expiry');
    const { ids } = await queue.publish(name, { payload: 'short-lived', ttlMs: 300 });
    const expired = nextEvent(queue.lifecycle, 'message.expired', (e) => e.message.id === ids[0], 5_000);
    const seen = new Deliveries();
    queue.consume(name, seen.processor(() => Promise.reject(new Error('not now'))), { retry: { backoff: 'fixed', delayMs: 500, jitter: 0 } });
    await expired;
    await until(async () => (await queue.stats(name)).ready === 0 && (await queue.stats(name)).delayed === 0, 5_000, 'gone from the table');
    expect(seen.count(ids[0]!)).toBe(1);
  });

  it('a client given twice to createQueue with one provider is refused (one provider instance per queue)', async () => {
    const client = newClient();
    const provider = prisma({ client, schema: uniqueSchema('twice') });
    const queue = await createQueue({ provider });
    try {
      expect(isMqkitError(await thrownBy(() => createQueue({ provider })), ErrorCode.Config)).toBe(true);
    } finally {
      await queue.close();
      await client.$disconnect();
    }
  });
});
