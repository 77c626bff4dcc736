// The claim and settle paths through the SPI, on a real server: racing batch claims never share a
// message; a lease that ran out is claimable again; a late settle is fenced per document.
import { createQueue, ErrorCode, isMqkitError, type Claim, type Queue } from '@mqkit/core';
import { uniqueQueueName } from '@mqkit/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { mongodb, type MongoProvider } from '../src/index.js';
import { dropDatabase, named, newClient, reachable, uniqueDatabase } from './support/server.js';

const server = await reachable();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** `n` providers ("processes") on one fresh database, opened through queues. */
async function processes(n: number): Promise<{ providers: MongoProvider[]; queues: Queue[] }> {
  if (!server.ok) throw new Error(server.reason);
  const { url } = server;
  const database = uniqueDatabase('claims');
  cleanups.push(() => dropDatabase(url, database));
  const providers: MongoProvider[] = [];
  const queues: Queue[] = [];
  for (let i = 0; i < n; i++) {
    const client = newClient(url);
    const provider = mongodb({ db: client.db(database) });
    const queue = await createQueue({ provider });
    cleanups.push(async () => {
      await queue.close({ timeoutMs: 500 });
      await client.close();
    });
    providers.push(provider);
    queues.push(queue);
  }
  return { providers, queues };
}

const options = (leaseMs: number) => ({ consumerId: 'c', leaseMs, maxAttempts: 5, ordered: false });

describe.skipIf(!server.ok)(named('claims and fencing on MongoDB', server), () => {
  it('four processes claiming batches of 25 at once from 2,000 messages: no message is in two live claims, and every one is claimed', { timeout: 60_000 }, async () => {
    const { providers, queues } = await processes(4);
    const name = uniqueQueueName('race');
    for (let i = 0; i < 4; i++) await queues[0]!.publish(name, Array.from({ length: 500 }, (_, j) => ({ payload: i * 500 + j })));
    const seen = new Map<string, number>();
    const signal = AbortSignal.abort(); // take what is ready, never wait
    await Promise.all(
      providers.map(async (p) => {
        const receiver = p.receiver(name, options(60_000));
        for (;;) {
          const claims = await Promise.all([receiver.receive(25, signal), receiver.receive(25, signal)]);
          const got = claims.filter((c): c is Claim => c !== null);
          if (got.length === 0) return;
          for (const m of got.flatMap((c) => c.messages)) seen.set(m.id, (seen.get(m.id) ?? 0) + 1);
        }
      }),
    );
    expect(seen.size).toBe(2_000);
    expect([...seen.values()].filter((n) => n > 1), 'claimed twice').toEqual([]);
  });

  it('a lease that ran out is claimable again (attempt 2, alone), and the first holder can no longer settle it: LeaseLostError, nothing changed', async () => {
    const { providers, queues } = await processes(2);
    const name = uniqueQueueName('expire');
    await queues[0]!.publish(name, [{ payload: 'a' }, { payload: 'b' }]);
    const first = await providers[0]!.receiver(name, options(300)).receive(10, AbortSignal.abort());
    expect(first?.messages.map((m) => m.attempt)).toEqual([1, 1]);
    await new Promise((r) => setTimeout(r, 400));
    const again = providers[1]!.receiver(name, options(60_000));
    const second = await again.receive(10, AbortSignal.abort());
    expect(second?.messages.map((m) => [m.payload, m.attempt])).toEqual([['a', 2]]); // abandoned: alone
    const third = await again.receive(10, AbortSignal.abort());
    expect(third?.messages.map((m) => [m.payload, m.attempt])).toEqual([['b', 2]]);
    const late = await providers[0]!.receiver(name, options(300)).settle(first!, { ack: first!.messages, retry: [], deadLetter: [], release: [] }).catch((e: unknown) => e);
    expect(isMqkitError(late, ErrorCode.LeaseLost)).toBe(true);
    expect((await queues[0]!.stats(name)).inFlight).toBe(2);
  });

  it("a settle is fenced per document: what the token still holds is applied, the rest reported as { lost }", async () => {
    const { providers, queues } = await processes(2);
    const name = uniqueQueueName('partial');
    await queues[0]!.publish(name, [{ payload: 'kept' }, { payload: 'taken' }]);
    const receiver = providers[0]!.receiver(name, options(300));
    const claim = (await receiver.receive(10, AbortSignal.abort()))!;
    await receiver.renew(claim, 60_000); // both held for a minute …
    // … then one is taken from under it (its lease made to run out), and claimed elsewhere
    const taken = claim.messages[1]!;
    await providers[0]!.messages.updateOne({ id: taken.id }, { $set: { visibleAt: new Date(0) } });
    const other = await providers[1]!.receiver(name, options(60_000)).receive(10, AbortSignal.abort());
    expect(other?.messages.map((m) => m.id)).toEqual([taken.id]);
    const result = await receiver.settle(claim, { ack: claim.messages, retry: [], deadLetter: [], release: [] });
    expect(result).toEqual({ lost: [taken.id] });
    const stats = await queues[0]!.stats(name);
    expect([stats.ready, stats.inFlight]).toEqual([0, 1]);
  });
});
