// The provider behind PgBouncer in transaction-pooling mode: publish, claim, settle (and the
// migrations, and a publish inside the application's transaction) through the bouncer, with LISTEN
// on a direct connection (a LISTEN through a transaction pooler would be lost between
// transactions).
import { createQueue, type Queue } from '@mqkit/core';
import { Deliveries, until, uniqueQueueName } from '@mqkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../src/index.js';
import { DATABASE_URL, dropSchema, newClient, reachable, uniqueSchema } from './support/database.js';
import { PgBouncer, pgbouncerUnavailable } from './support/pgbouncer.js';

const db = await reachable();
const missing = !db.ok ? db.reason : pgbouncerUnavailable();

describe.skipIf(missing !== undefined)(`behind PgBouncer (transaction mode)${missing ? ` — skipped: ${missing}` : ''}`, () => {
  let bouncer: PgBouncer;
  const schema = uniqueSchema('bouncer');
  const clients: Array<ReturnType<typeof newClient>> = [];
  const queues: Queue[] = [];
  beforeAll(async () => {
    const url = new URL(DATABASE_URL);
    bouncer = await PgBouncer.start({ host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1) });
  }, 30_000);
  afterAll(async () => {
    await Promise.all(queues.map((q) => q.close({ timeoutMs: 1_000 })));
    await Promise.all(clients.map((c) => c.$disconnect()));
    await bouncer?.stop();
    await dropSchema(schema);
  });

  async function open(): Promise<Queue> {
    const url = new URL(DATABASE_URL);
    url.port = String(bouncer.port);
    url.hostname = '127.0.0.1';
    const client = newClient(url.toString());
    clients.push(client);
    const queue = await createQueue({ provider: prisma({ client, schema, listen: DATABASE_URL, pollIntervalMs: 5_000 }) });
    queues.push(queue);
    return queue;
  }

  it('migrates, publishes in batches and inside a transaction, and two consumers drain 2,000 messages exactly once, woken by LISTEN on a direct connection', { timeout: 60_000 }, async () => {
    const [a, b] = [await open(), await open()];
    const name = uniqueQueueName('bouncer');
    const seen = new Deliveries();
    a.consume(name, seen.processor(), { batchSize: 50, concurrency: 2 });
    b.consume(name, seen.processor(), { batchSize: 50, concurrency: 2 });
    for (let i = 0; i < 4; i++) await a.publish(name, Array.from({ length: 500 }, (_, j) => ({ payload: i * 500 + j })));
    await until(() => seen.ids().size === 2_000, 30_000, () => `all 2,000 processed (got ${seen.ids().size})`);
    expect(seen.duplicates().size).toBe(0);
    const client = clients[0]!;
    const published = await client.$transaction(async (tx) => a.publish(name, { payload: 'in a transaction' }, { transaction: tx }));
    await until(() => seen.count(published.ids[0]!) === 1, 3_000, 'the transactional message is delivered once the transaction committed (well before the 5 s poll)');
  });
});
