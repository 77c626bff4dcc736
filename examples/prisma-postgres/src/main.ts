/**
 * mqkit on Postgres through your PrismaClient — a starting template.
 *
 *   DATABASE_URL=postgresql://user@host:5432/db pnpm --filter @mqkit/example-prisma-postgres start
 *
 * 1. The transactional outbox: an order row and its "order created" message are written in one
 *    Prisma transaction — both or neither (the last order's transaction rolls back: no message).
 * 2. A consumer charges orders, retrying a busy payment gateway and dead-lettering a bad order.
 * 3. Stats, a dead letter, and a clean shutdown (SIGTERM/SIGINT, or when the work is done).
 *
 * It waits for lifecycle events (never a sleep), checks what it expected and exits 0 (1 if not).
 */
import { PermanentError, RetryableError, createQueue, eachMessage } from '@mqkit/core';
import { prisma } from '@mqkit/prisma';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

declare module '@mqkit/core' {
  interface QueueRegistry {
    'order-created': { orderId: string; totalCts: number };
  }
}

const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const schema = process.env.MQKIT_SCHEMA ?? 'mqkit_example';

// query_timeout: a query on a connection that went half-open fails, and pg replaces the connection.
const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, query_timeout: 10_000 }) });

const queue = await createQueue({
  // listen: a direct connection for LISTEN (not PgBouncer in transaction mode), so idle consumers wake at once.
  provider: prisma({ client, schema, listen: url }),
  logger: console,
});

const log = (line: string): void => console.log(`[prisma-postgres] ${line}`);
const failures: string[] = [];

// The application's own table (normally created by `prisma migrate`).
await client.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS example_orders (id text PRIMARY KEY, total_cts int NOT NULL, status text NOT NULL DEFAULT 'new')`);
await client.$executeRawUnsafe(`DELETE FROM example_orders`);
await queue.deadLetters.purge('order-created');

// 1. Outbox: the order and its message commit together.
const orders = [
  { id: 'o-1', totalCts: 1299 },
  { id: 'o-2', totalCts: 500 },
  { id: 'o-3', totalCts: -100 }, // bad: dead-lettered by the consumer
];
for (const order of orders) {
  await client.$transaction(async (tx) => {
    await tx.exampleOrder.create({ data: order });
    await queue.publish('order-created', { payload: { orderId: order.id, totalCts: order.totalCts }, partitionKey: order.id }, { transaction: tx });
  });
}
await client
  .$transaction(async (tx) => {
    await tx.exampleOrder.create({ data: { id: 'o-4', totalCts: 700 } });
    await queue.publish('order-created', { payload: { orderId: 'o-4', totalCts: 700 } }, { transaction: tx });
    throw new Error('the payment provider rejected the card: roll back');
  })
  .catch((error: unknown) => log(`transaction for o-4 rolled back (${(error as Error).message}): no order, no message`));

// 2. Consume.
let gatewayBusy = true;
const settled = new Set<string>();
const done = new Promise<void>((resolve) => {
  queue.lifecycle.add({
    'message.processed': (e) => {
      for (const m of e.messages) settled.add((m.payload as { orderId: string }).orderId);
      if (settled.size === 3) resolve();
    },
    'message.dead-lettered': (e) => {
      settled.add((e.message.payload as { orderId: string }).orderId);
      if (settled.size === 3) resolve();
    },
    'message.retried': (e) => log(`retrying ${(e.message.payload as { orderId: string }).orderId} in ${e.delayMs} ms`),
  });
});

const consumer = queue.consume(
  'order-created',
  eachMessage(async (message, ctx) => {
    const { orderId, totalCts } = message.payload;
    if (totalCts < 0) throw new PermanentError(`order ${orderId} has a negative total`);
    if (gatewayBusy && orderId === 'o-2') {
      gatewayBusy = false;
      throw new RetryableError('payment gateway busy', { delayMs: 100 });
    }
    ctx.signal.throwIfAborted();
    await client.exampleOrder.update({ where: { id: orderId }, data: { status: 'charged' } });
    log(`charged ${orderId} (attempt ${message.attempt})`);
  }),
  { concurrency: 2, batchSize: 10, retry: { maxAttempts: 3 } },
);

const stop = (): void => void shutdown(0);
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

await done;

// 3. What happened.
const charged = await client.exampleOrder.findMany({ where: { status: 'charged' }, orderBy: { id: 'asc' } });
if (charged.map((o) => o.id).join(',') !== 'o-1,o-2') failures.push(`charged ${charged.map((o) => o.id).join(',')}, expected o-1,o-2`);
const dead = await queue.deadLetters.list('order-created');
log(`dead letters: ${dead.items.map((d) => `${(d.message.payload as { orderId: string }).orderId} (${d.reason}: ${d.error.message})`).join('; ')}`);
if (dead.items.length !== 1 || dead.items[0]!.reason !== 'permanent') failures.push('expected one permanent dead letter (o-3)');
if ((await client.exampleOrder.count({ where: { id: 'o-4' } })) !== 0) failures.push('the rolled-back order exists');
const stats = await queue.stats('order-created');
log(`stats: ready ${stats.ready}, delayed ${stats.delayed}, in flight ${stats.inFlight}, dead-lettered ${stats.deadLettered}`);

await shutdown(failures.length === 0 ? 0 : 1);

async function shutdown(code: number): Promise<void> {
  await consumer.stop({ timeoutMs: 10_000 });
  await queue.close({ timeoutMs: 10_000 });
  await client.$disconnect(); // the provider never closes your client: you do
  for (const f of failures) console.error(`[prisma-postgres] FAILED: ${f}`);
  log(code === 0 ? 'done' : 'done, with failures');
  process.exit(code);
}
