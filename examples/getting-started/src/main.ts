/**
 * docs/getting-started.md as one program, on the memory provider: typed queues, configuration
 * checks, publish, consume (per-message outcomes and `eachMessage`), retries, a dead letter,
 * lifecycle events, stats, replay + a one-shot pull, purge, and a clean shutdown.
 *
 * It waits for messages through lifecycle events (never a sleep), checks what it expected, and
 * exits 0 (1 if anything did not happen as expected). The whole run takes well under a second.
 */
import {
  ConfigError,
  PermanentError,
  RetryableError,
  ack,
  createQueue,
  deadLetter,
  eachMessage,
  retry,
  type Message,
  type Processor,
} from '@mqkit/core';
import { memory } from '@mqkit/memory';
import './queues.js';
import type { OrderCreated } from './queues.js';
import { providerFromConfig } from './queue-from-config.js';
import { SettledTracker } from './settled.js';

// ---------------------------------------------------------------------------------------------
// Stand-ins for the outside world. A real application's failures come from its dependencies; here
// they are scripted so every run shows the same retries.

/** A payment API that is busy on the first charge of o-5 and asks to be called again in 100 ms. */
const busyOnce = new Set(['o-5']);
async function charge(order: OrderCreated, options: { signal: AbortSignal }): Promise<void> {
  options.signal.throwIfAborted();
  if (busyOnce.delete(order.orderId)) {
    throw new RetryableError(`payment gateway busy charging ${order.orderId}`, { delayMs: 100 });
  }
}

/** A mail server that greylists bob@example.com once (a temporary failure: a plain Error, retried). */
const greylisted = new Set(['bob@example.com']);
const mailer = {
  async send(to: string, template: string, options: { signal: AbortSignal }): Promise<void> {
    options.signal.throwIfAborted();
    if (greylisted.delete(to)) throw new Error(`451 greylisted: send the ${template} to ${to} again later`);
  },
};

// ---------------------------------------------------------------------------------------------
// Output

const startedAt = performance.now();

/** One line on stdout, stamped with the ms since start so delays and backoff are visible. */
function log(line: string): void {
  console.log(`[${String(Math.round(performance.now() - startedAt)).padStart(4)} ms] ${line}`);
}

function describe(m: Message): string {
  return `${m.queue} ${JSON.stringify(m.payload)}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------
// Consume: a batch processor returning one outcome per message (docs: "Consume").

const processOrders: Processor<OrderCreated> = async (messages, ctx) =>
  Promise.all(
    messages.map(async (m) => {
      // Bad data: another attempt cannot succeed, so straight to the dead-letter store.
      if (m.payload.totalCents < 0) return deadLetter(new PermanentError(`negative total in ${m.payload.orderId}`));
      try {
        await charge(m.payload, { signal: ctx.signal });
        return ack();
      } catch (error) {
        return retry(error); // a RetryableError's delayMs (100 ms here) overrides the backoff
      }
    }),
  );

async function main(): Promise<number> {
  const failures: string[] = [];
  const expect = (what: string, actual: unknown, expected: unknown): void => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) failures.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  };

  // --- Configuration mistakes fail fast, naming the field and the fix (docs: "Create a queue",
  // "Switching providers").
  await showConfigError("providerFromConfig({ provider: 'sqs' })", () => providerFromConfig({ provider: 'sqs' }));
  await showConfigError('createQueue({ defaults: { concurrency: 0 } })', () => createQueue({ provider: memory(), defaults: { concurrency: 0 } }));

  // --- Create the queue. The provider comes from configuration: QUEUE_PROVIDER, default memory
  // (the only provider available today; any other name fails with a ConfigError).
  const settled = new SettledTracker();
  const queue = await createQueue({
    provider: providerFromConfig({ provider: process.env.QUEUE_PROVIDER ?? 'memory' }),
    logger: console, // optional; mqkit only logs warnings and errors (e.g. a provider failing)
    // The docs keep the default backoff (exponential from 1 s); 100 ms keeps this run short.
    defaults: { concurrency: 4, retry: { maxAttempts: 5, delayMs: 100 } },
    lifecycle: [settled.listener],
  });
  process.once('SIGTERM', () => void queue.close({ timeoutMs: 20_000 }));
  log(`queue open on provider "${queue.provider}" (persistence: ${queue.capabilities.persistence})`);

  try {
    // --- Watch what happens (docs: "Watch what happens").
    let retries = 0;
    queue.lifecycle.add({
      name: 'log',
      'message.published': (e) => log(`published ${e.messages.length} to ${e.queue}${e.duplicates > 0 ? ` (${e.duplicates} duplicate suppressed)` : ''}`),
      'message.processed': (e) => {
        for (const m of e.messages) log(`processed      ${describe(m)}, attempt ${m.attempt}`);
      },
      'message.failed': (e) => log(`failed         ${describe(e.message)}: ${messageOf(e.error)} (willRetry: ${e.willRetry})`),
      'message.retried': (e) => {
        retries++;
        log(`retried        ${describe(e.message)} in ${e.delayMs} ms`);
      },
      'message.dead-lettered': (e) => log(`dead-lettered  ${describe(e.message)} (${e.reason}): ${e.error.message}`),
      'message.replayed': (e) => log(`replayed       ${e.count} dead letter(s) onto ${e.queue}`),
    });

    // --- Consume (docs: "Consume"): orders with per-message outcomes, emails one at a time.
    const orders = queue.consume('orders', processOrders, { batchSize: 10, concurrency: 2, timeoutMs: 10_000 });
    queue.consume(
      'emails',
      eachMessage(async (m, ctx) => {
        await mailer.send(m.payload.to, m.payload.template, { signal: ctx.signal });
      }),
    );

    // --- Publish (docs: "Publish"). Type-checked against QueueRegistry (src/queues.ts).
    const placed = await queue.publish('orders', [
      { payload: { orderId: 'o-1', totalCents: 1299 }, type: 'order.created', partitionKey: 'customer-7' },
      { payload: { orderId: 'o-2', totalCents: 500 }, delayMs: 300 }, // not before 300 ms from now
      { payload: { orderId: 'o-3', totalCents: 80 }, dedupeKey: 'order:o-3' }, // idempotent publish…
      { payload: { orderId: 'o-3', totalCents: 80 }, dedupeKey: 'order:o-3' }, // …so a resend is suppressed
      { payload: { orderId: 'o-4', totalCents: -100 } }, // bad data: dead-lettered
      { payload: { orderId: 'o-5', totalCents: 2500 } }, // payment gateway busy once: retried
    ]);
    const mails = await queue.publish('emails', [
      { payload: { to: 'ada@example.com', template: 'welcome' } },
      { payload: { to: 'bob@example.com', template: 'receipt' } }, // greylisted once: retried
    ]);
    expect('orders.duplicates', placed.duplicates.map((d) => d.index), [3]);

    // --- Wait for every message to be acked or dead-lettered: lifecycle events, no sleeps.
    await settled.waitFor([...placed.ids, ...mails.ids], 5_000);
    log('all messages settled');
    expect('retries', retries, 2);

    // --- Stats.
    for (const name of ['orders', 'emails'] as const) {
      const s = await queue.stats(name);
      log(`stats ${name}: ready ${s.ready}, delayed ${s.delayed}, in flight ${s.inFlight}, dead-lettered ${s.deadLettered}`);
      expect(`stats(${name})`, [s.ready, s.delayed, s.inFlight, s.deadLettered], [0, 0, 0, name === 'orders' ? 1 : 0]);
    }

    // --- Dead letters (docs: "Dead letters").
    const page = await queue.deadLetters.list('orders', { limit: 50 });
    for (const d of page.items) {
      log(`dead letter ${JSON.stringify(d.message.payload)}: reason ${d.reason}, "${d.error.message}", attempt ${d.message.attempt}`);
    }
    expect('dead letters', page.items.map((d) => [d.message.id, d.reason]), [[placed.ids[4], 'explicit']]);

    // Replay puts them back on the queue as new. With the orders consumer stopped, a one-shot pull
    // (docs: "Pull once") takes the replayed message: its total is still negative, so it is
    // dead-lettered again, and then purged.
    await orders.stop();
    const { replayed } = await queue.deadLetters.replay('orders', { ids: page.items.map((d) => d.message.id) });
    const pulled = await queue.pull('orders', processOrders, { max: 100, waitMs: 1_000 });
    log(`pull: ${JSON.stringify(pulled)}`);
    const { purged } = await queue.deadLetters.purge('orders');
    log(`purged ${purged} dead letter(s); orders dead-lettered now: ${(await queue.stats('orders')).deadLettered}`);
    expect('replay / pull / purge', [replayed, pulled.received, pulled.deadLettered, purged], [1, 1, 1, 1]);
  } finally {
    // --- Shut down (docs: "Shut down"): stop fetching, let in-flight work finish, close the provider.
    await queue.close({ timeoutMs: 5_000 });
    log('queue closed');
  }

  for (const failure of failures) console.error(`FAIL ${failure}`);
  return failures.length === 0 ? 0 : 1;
}

/** Runs `attempt`, which must throw a ConfigError, and prints it. */
async function showConfigError(what: string, attempt: () => unknown): Promise<void> {
  try {
    await attempt();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log(`${what} throws ConfigError (field ${error.field}):\n         ${error.message}`);
    return;
  }
  throw new Error(`${what} was accepted; expected a ConfigError`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
