// MemoryProvider.simulateCrash(): a provider dies like a killed process while others on its broker live on.
import { createQueue, type Queue } from '@mqkit/core';
import { Deliveries, deferred, nextEvent, uniqueQueueName, until, type Deferred } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { MemoryBroker, memory, type MemoryProvider } from '../src/index.js';
import { holds, opened, thrownBy, turns } from './support.js';

interface Process {
  readonly queue: Queue;
  readonly provider: MemoryProvider;
}

/** A "process" on the broker: a queue on a provider of its own. */
async function join(broker: MemoryBroker): Promise<Process> {
  const provider = memory({ broker });
  const queue = await createQueue({ provider });
  opened.push(queue);
  return { queue, provider };
}

function hold(): Deferred {
  const d = deferred();
  holds.push(d);
  return d;
}

describe('simulateCrash()', () => {
  it('after a crash, publish through that provider throws and stores nothing', async () => {
    const name = uniqueQueueName('crash');
    const broker = new MemoryBroker();
    const crashed = await join(broker);
    const survivor = await join(broker);
    expect(crashed.provider.alive).toBe(true);
    crashed.provider.simulateCrash();
    expect(crashed.provider.alive).toBe(false);
    const error = await thrownBy(() => crashed.queue.publish(name, { payload: 'lost' }), 'publish after the crash');
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/crashed/);
    expect(await survivor.queue.stats(name)).toMatchObject({ ready: 0, delayed: 0 });
  });

  it('a processor still running when its provider crashed cannot settle: the settlement fails (consumer.error) and the message stays leased', async () => {
    const name = uniqueQueueName('crash');
    const broker = new MemoryBroker();
    const crashed = await join(broker);
    const observer = await join(broker);
    await crashed.queue.publish(name, { payload: 'in flight' });
    const release = hold();
    const seen = new Deliveries();
    crashed.queue.consume(
      name,
      seen.processor(() => release.promise),
      { leaseMs: 30_000 },
    );
    await until(() => seen.all.length === 1, 5_000, 'the message in flight');
    const settleFailed = nextEvent(crashed.queue.lifecycle, 'consumer.error', (e) => e.operation === 'settle');
    crashed.provider.simulateCrash();
    release.resolve(); // the processor returns: its ack must not go through
    const event = await settleFailed;
    expect(event.error).toBeInstanceOf(Error);
    expect((event.error as Error).message).toMatch(/crashed/);
    expect(await observer.queue.stats(name), 'not acked: still leased until its lease expires').toMatchObject({ ready: 0, inFlight: 1 });
  });

  it("a crashed provider's consumer never gets new messages, while a consumer on another provider gets them all", async () => {
    const name = uniqueQueueName('crash');
    const broker = new MemoryBroker();
    const crashed = await join(broker);
    const survivor = await join(broker);
    const seenCrashed = new Deliveries();
    crashed.queue.consume(name, seenCrashed.processor(), { concurrency: 2 }); // idle, waiting for messages
    await turns();
    crashed.provider.simulateCrash();
    const { ids } = await survivor.queue.publish(name, [{ payload: 1 }, { payload: 2 }, { payload: 3 }]);
    await turns(10);
    expect(seenCrashed.all.length, 'the crashed consumer got nothing').toBe(0);
    expect(await survivor.queue.stats(name)).toMatchObject({ ready: 3, inFlight: 0 });
    const pulled = await crashed.queue.pull(name, () => undefined);
    expect(pulled.received, 'a pull through the crashed provider gets nothing either').toBe(0);

    const seenSurvivor = new Deliveries();
    survivor.queue.consume(name, seenSurvivor.processor());
    await until(() => seenSurvivor.all.length === 3, 5_000, 'the survivor gets all three');
    expect(seenSurvivor.all.map((d) => d.message.id)).toEqual(ids);
    expect(seenCrashed.all.length).toBe(0);
  });

  it("the messages a crashed provider held go to another provider on the broker once their lease expires, with attempt 2, and the crashed one's late ack changes nothing", async () => {
    const name = uniqueQueueName('crash');
    const broker = new MemoryBroker();
    const crashed = await join(broker);
    const survivor = await join(broker);
    const leaseMs = 300;
    const { ids } = await crashed.queue.publish(name, [{ payload: 'a' }, { payload: 'b' }]);
    const release = hold();
    let leaseExpiresAt = 0;
    const seenCrashed = new Deliveries();
    crashed.queue.consume(
      name,
      seenCrashed.processor(async (_, ctx) => {
        await release.promise;
        leaseExpiresAt = ctx.leaseExpiresAt;
      }),
      { batchSize: 2, leaseMs, timeoutMs: 60_000 },
    );
    await until(() => seenCrashed.all.length === 2, 5_000, 'the crashed provider holds both');
    crashed.provider.simulateCrash();
    const settleFailed = nextEvent(crashed.queue.lifecycle, 'consumer.error', (e) => e.operation === 'settle');
    release.resolve(); // the crashed process's processor finishes; its settlement fails
    await settleFailed;

    const seenSurvivor = new Deliveries();
    survivor.queue.consume(name, seenSurvivor.processor(), { leaseMs });
    await until(() => ids.every((id) => seenSurvivor.count(id) === 1), leaseMs + 5_000, 'the survivor gets both after the lease');
    for (const delivery of seenSurvivor.all) {
      expect(delivery.message.attempt, 'the abandoned delivery counts').toBe(2);
      expect(delivery.at, 'not before the lease held at the crash expired').toBeGreaterThanOrEqual(leaseExpiresAt);
    }
    await until(async () => (await survivor.queue.stats(name)).inFlight === 0, 5_000, 'the survivor acked them');
    expect(await survivor.queue.stats(name)).toMatchObject({ ready: 0, inFlight: 0, deadLettered: 0 });
    expect(seenCrashed.all.length, 'the crashed provider never got them again').toBe(2);
  });
});
