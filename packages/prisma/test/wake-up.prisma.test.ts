// How idle consumers hear of work: NOTIFY on a LISTEN connection of the provider's own (one per
// publish statement, debounced), a timer for the next due message, and a polling backstop.
import { Deliveries, delay, uniqueQueueName, until, suiteName } from '@mqkit/testkit';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { channelFor } from '../src/postgres/statements.js';
import { DATABASE_URL, newClient, reachable, sql, uniqueSchema } from './support/database.js';
import { open } from './support/open.js';

const db = await reachable();

/**
 * A client that counts the claim statements it runs, and the next-visible lookups (answered) a
 * receiver makes right before it waits: once every slot's lookup is answered, every slot waits.
 */
function countingClaims(): { client: ReturnType<typeof newClient>; claims: { count: number; waits: number } } {
  const client = newClient();
  const claims = { count: 0, waits: 0 };
  const original = client.$queryRawUnsafe.bind(client);
  client.$queryRawUnsafe = ((query: string, ...values: unknown[]) => {
    if (query.includes('FOR UPDATE SKIP LOCKED')) claims.count++;
    if (!query.includes('AS in_ms')) return original(query, ...values);
    const answer = Promise.resolve(original(query, ...values)); // run once, here
    answer.then(() => void claims.waits++, () => undefined);
    return answer;
  }) as typeof client.$queryRawUnsafe;
  return { client, claims };
}

describe.skipIf(!db.ok)(suiteName('wake-up', db), () => {
  it('an idle consumer gets a message published by another process within milliseconds (NOTIFY), not at its 10 s poll', async () => {
    const schema = uniqueSchema('notify');
    const { queue: consumer } = await open(schema, { pollIntervalMs: 10_000 });
    const { queue: producer } = await open(schema, { listen: false });
    const name = uniqueQueueName('notify');
    const seen = new Deliveries();
    consumer.consume(name, seen.processor());
    await delay(200); // the consumer is idle, waiting
    const sent = Date.now();
    const { ids } = await producer.publish(name, { payload: 'wake up' });
    await until(() => seen.count(ids[0]!) === 1, 5_000, 'delivered');
    expect(seen.of(ids[0]!)[0]!.at - sent).toBeLessThan(1_000);
  });

  it('idle consumers of an empty queue wait for a NOTIFY, a due time or their poll: they do not claim in a loop', async () => {
    const { client, claims } = countingClaims();
    const { queue } = await open(uniqueSchema('idle'), { client, pollIntervalMs: 10_000 });
    const name = uniqueQueueName('idle');
    const seen = new Deliveries();
    queue.consume(name, seen.processor(), { concurrency: 4 });
    await until(() => claims.count >= 4, 5_000, 'each slot claimed once');
    await delay(500); // prove a negative: half a second idle, far from the 10 s poll
    expect(claims.count).toBeLessThanOrEqual(8); // once per slot, and once more each when LISTEN connects
    const { ids } = await queue.publish(name, { payload: 'still heard' });
    await until(() => seen.count(ids[0]!) === 1, 5_000, 'delivered on the NOTIFY');
  });

  it('one message published to idle slots wakes one claim, and a burst that fills a claim wakes the next slot', async () => {
    const { client, claims } = countingClaims();
    const { queue } = await open(uniqueSchema('wake_one'), { client, pollIntervalMs: 10_000 });
    const name = uniqueQueueName('wake-one');
    let gated = false;
    let inHand = 0;
    let release!: () => void;
    const bothInHand = new Promise<void>((resolve) => (release = resolve));
    const seen = new Deliveries();
    queue.consume(
      name,
      seen.processor(async () => {
        if (!gated) return;
        if (++inHand === 2) release();
        await bothInHand; // two claims of 5 in hand at once: the second slot was woken by the first
      }),
      { concurrency: 4, batchSize: 5 },
    );
    await until(() => claims.count >= 4 && claims.waits >= 4, 5_000, 'each slot claimed once and waits');
    await new Promise((resolve) => setImmediate(resolve)); // the last lookup's answer has reached its slot's wait
    const idle = claims.count;
    const { ids } = await queue.publish(name, { payload: 'one' });
    await until(() => seen.count(ids[0]!) === 1, 5_000, 'delivered');
    expect(claims.count - idle).toBeLessThanOrEqual(2); // one slot claims it (and looks again after the ack); the three others sleep on
    gated = true;
    const burst = await queue.publish(name, Array.from({ length: 10 }, (_, i) => ({ payload: i })));
    await until(() => burst.ids.every((id) => seen.count(id) === 1), 5_000, 'two full claims in hand at once, without waiting for the poll');
  });

  it('without a LISTEN connection the consumer polls (every pollIntervalMs)', async () => {
    const schema = uniqueSchema('poll');
    const { queue } = await open(schema, { listen: false, pollIntervalMs: 50 });
    const name = uniqueQueueName('poll');
    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    await delay(100);
    const { ids } = await queue.publish(name, { payload: 'found by polling' });
    await until(() => seen.count(ids[0]!) === 1, 2_000, 'delivered by the next poll');
  });

  it('a delayed message is delivered when it comes due, by a timer (no NOTIFY, no poll in between)', async () => {
    const { queue } = await open(uniqueSchema('timer'), { pollIntervalMs: 10_000 });
    const name = uniqueQueueName('timer');
    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    const { ids } = await queue.publish(name, { payload: 'later', delayMs: 400 });
    const sent = Date.now();
    await until(() => seen.count(ids[0]!) === 1, 5_000, 'delivered when due');
    const at = seen.of(ids[0]!)[0]!.at - sent;
    expect(at).toBeGreaterThanOrEqual(390);
    expect(at).toBeLessThan(1_500);
  });

  it('the LISTEN connection killed by the server (pg_terminate_backend) reconnects, and consumers are woken at once again', async () => {
    const schema = uniqueSchema('relisten');
    const { queue } = await open(schema, { pollIntervalMs: 10_000 });
    const name = uniqueQueueName('relisten');
    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    const listeners = async (): Promise<number[]> =>
      (await sql<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE query = $1`, [`LISTEN ${channelFor(schema)}`])).map((r) => r.pid);
    await until(async () => (await listeners()).length === 1, 5_000, 'listening');
    const [pid] = await listeners();
    await sql(`SELECT pg_terminate_backend($1)`, [pid]);
    await until(async () => (await listeners()).some((p) => p !== pid), 10_000, 'a new LISTEN connection');
    await delay(100);
    const sent = Date.now();
    const { ids } = await queue.publish(name, { payload: 'after the reconnect' });
    await until(() => seen.count(ids[0]!) === 1, 5_000, 'delivered');
    expect(seen.of(ids[0]!)[0]!.at - sent).toBeLessThan(1_000);
  });

  it('a burst of 200 single publishes sends far fewer NOTIFYs (debounced), and every message is still delivered at once', async () => {
    const schema = uniqueSchema('debounce');
    const { queue } = await open(schema, { pollIntervalMs: 10_000, notifyDebounceMs: 20 });
    const name = uniqueQueueName('debounce');
    const counter = new pg.Client({ connectionString: DATABASE_URL });
    await counter.connect();
    let notifications = 0;
    counter.on('notification', () => void notifications++);
    await counter.query(`LISTEN ${channelFor(schema)}`);
    try {
      const seen = new Deliveries();
      queue.consume(name, seen.processor(), { concurrency: 4 });
      const ids: string[] = [];
      const started = performance.now();
      for (let i = 0; i < 200; i++) ids.push(...(await queue.publish(name, { payload: i })).ids);
      await until(() => ids.every((id) => seen.count(id) === 1), 5_000, 'all delivered without waiting for a poll');
      await delay(100); // the last trailing NOTIFY
      const elapsedMs = performance.now() - started;
      expect(notifications).toBeGreaterThanOrEqual(1);
      // About one per 20 ms window (the trailing ones included; 15 leaves room for timers that fire
      // a little early or late): how many windows the run took depends on the machine, the bound
      // does not. Without the debounce every one of the 200 publishes notifies.
      expect(notifications).toBeLessThanOrEqual(Math.ceil(elapsedMs / 15) + 2);
      expect(notifications).toBeLessThan(200);
    } finally {
      await counter.end();
    }
  });
});
