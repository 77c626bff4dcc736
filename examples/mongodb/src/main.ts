/**
 * mqkit on MongoDB through your own Db — a starting template.
 *
 *   MONGODB_URL='mongodb://127.0.0.1:27017/?replicaSet=rs0' pnpm --filter @mqkit/example-mongodb start
 *
 * 1. The transactional outbox: an order document and its "order created" message are written in
 *    one ClientSession transaction — both or neither (the last order's transaction aborts: no
 *    message). Transactions and change streams need a replica set (a one-node one will do).
 * 2. A consumer charges orders, retrying a busy payment gateway and dead-lettering a bad order.
 * 3. Stats, a dead letter, and a clean shutdown (SIGTERM/SIGINT, or when the work is done).
 *
 * It waits for lifecycle events (never a sleep), checks what it expected and exits 0 (1 if not).
 * CI only type-checks it: no MongoDB server can run on the project's CI machine.
 */
import { PermanentError, RetryableError, createQueue, eachMessage } from '@mqkit/core';
import { mongodb } from '@mqkit/mongodb';
import { MongoClient } from 'mongodb';

declare module '@mqkit/core' {
  interface QueueRegistry {
    'order-created': { orderId: string; totalCts: number };
  }
}

interface Order {
  _id: string;
  totalCts: number;
  status: 'new' | 'charged';
}

const url = process.env.MONGODB_URL ?? 'mongodb://127.0.0.1:27017/?replicaSet=rs0';
const client = new MongoClient(url);
const db = client.db(process.env.MQKIT_DATABASE ?? 'mqkit_example');
const orders = db.collection<Order>('orders');

// Indexes are created at open (idempotent); change streams wake idle consumers on a replica set.
const queue = await createQueue({ provider: mongodb({ db }), logger: console });

const log = (line: string): void => console.log(`[mongodb] ${line}`);
const failures: string[] = [];

await orders.deleteMany({});
await queue.deadLetters.purge('order-created');

// 1. Outbox: the order and its message commit together.
const session = client.startSession();
try {
  for (const order of [{ _id: 'o-1', totalCts: 1299 }, { _id: 'o-2', totalCts: 500 }, { _id: 'o-3', totalCts: -100 }]) {
    await session.withTransaction(async () => {
      await orders.insertOne({ ...order, status: 'new' }, { session });
      await queue.publish('order-created', { payload: { orderId: order._id, totalCts: order.totalCts }, partitionKey: order._id }, { transaction: session });
    });
  }
  session.startTransaction();
  await orders.insertOne({ _id: 'o-4', totalCts: 700, status: 'new' }, { session });
  await queue.publish('order-created', { payload: { orderId: 'o-4', totalCts: 700 } }, { transaction: session });
  await session.abortTransaction(); // the payment provider rejected the card
  log('transaction for o-4 aborted: no order, no message');
} finally {
  await session.endSession();
}

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
    await orders.updateOne({ _id: orderId }, { $set: { status: 'charged' } });
    log(`charged ${orderId} (attempt ${message.attempt})`);
  }),
  { concurrency: 2, batchSize: 10, retry: { maxAttempts: 3 } },
);

const stop = (): void => void shutdown(0);
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

await done;

// 3. What happened.
const charged = (await orders.find({ status: 'charged' }).sort({ _id: 1 }).toArray()).map((o) => o._id);
if (charged.join(',') !== 'o-1,o-2') failures.push(`charged ${charged.join(',')}, expected o-1,o-2`);
const dead = await queue.deadLetters.list('order-created');
log(`dead letters: ${dead.items.map((d) => `${(d.message.payload as { orderId: string }).orderId} (${d.reason}: ${d.error.message})`).join('; ')}`);
if (dead.items.length !== 1 || dead.items[0]!.reason !== 'permanent') failures.push('expected one permanent dead letter (o-3)');
if ((await orders.countDocuments({ _id: 'o-4' })) !== 0) failures.push('the aborted order exists');
const stats = await queue.stats('order-created');
log(`stats: ready ${stats.ready}, delayed ${stats.delayed}, in flight ${stats.inFlight}, dead-lettered ${stats.deadLettered}`);

await shutdown(failures.length === 0 ? 0 : 1);

async function shutdown(code: number): Promise<void> {
  await consumer.stop({ timeoutMs: 10_000 });
  await queue.close({ timeoutMs: 10_000 });
  await client.close(); // the provider never closes your client: you do
  for (const f of failures) console.error(`[mongodb] FAILED: ${f}`);
  log(code === 0 ? 'done' : 'done, with failures');
  process.exit(code);
}
