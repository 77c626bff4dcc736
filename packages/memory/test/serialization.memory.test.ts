// memory({ serialization }): 'json' stores and delivers copies as a durable provider would; 'none' (the default) passes
// the publisher's objects by reference. The tests below document both sides of that contrast.
import { CAPABILITY_NAMES, ErrorCode, ValidationError, type Message, type Queue } from '@mqkit/core';
import { uniqueQueueName, within } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { memory } from '../src/index.js';
import { open, thrownBy } from './support.js';

/** Pulls one message and returns it as the processor saw it. */
async function pullOne(queue: Queue, name: string): Promise<Message> {
  let seen: Message | undefined;
  const result = await queue.pull(name, ([m]) => void (seen = m));
  expect(result.received).toBe(1);
  return seen!;
}

function cyclic(): Record<string, unknown> {
  const value: Record<string, unknown> = { name: 'loop' };
  value.self = value;
  return value;
}

describe("serialization: 'json'", () => {
  it.each([
    { what: 'a BigInt payload', payload: (): unknown => ({ total: 10n }) },
    { what: 'a cyclic payload', payload: (): unknown => cyclic() },
    { what: 'a function payload', payload: (): unknown => () => 1 },
  ])("$what is refused at publish with a ValidationError naming messages[1].payload, and nothing of its batch is stored", async ({ payload }) => {
    const name = uniqueQueueName('json');
    const queue = await open({ serialization: 'json' });
    const error = await thrownBy(() => queue.publish(name, [{ payload: 'fine' }, { payload: payload() }, { payload: 'fine too', delayMs: 60_000 }]), 'publish');
    expect(error).toBeInstanceOf(ValidationError);
    const invalid = error as ValidationError;
    expect(invalid.field).toBe('messages[1].payload');
    expect(invalid.code).toBe(ErrorCode.Validation);
    expect(invalid.source).toBe('memory');
    expect(await queue.stats(name)).toMatchObject({ ready: 0, delayed: 0, inFlight: 0 });
  });

  it('a payload that cannot be serialized is refused at once even when the queue is full, instead of waiting for room', async () => {
    const name = uniqueQueueName('json');
    const queue = await open({ serialization: 'json', capacity: 1 });
    await queue.publish(name, { payload: 'fills the queue' });
    const error = await within(
      thrownBy(() => queue.publish(name, { payload: { n: 1n } }), 'publish to a full queue'),
      5_000,
      'the refused publish settles without waiting for room',
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('messages[0].payload');
  });

  it('a Date in the payload arrives as its ISO string, in a copy of the published object (as a durable provider would deliver it)', async () => {
    const name = uniqueQueueName('json');
    const queue = await open({ serialization: 'json' });
    const at = new Date('2024-05-06T07:08:09.010Z');
    const published = { at, nested: { when: at }, list: [at] };
    await queue.publish(name, { payload: published });
    const message = await pullOne(queue, name);
    expect(message.payload).not.toBe(published);
    expect(message.payload).toEqual({ at: '2024-05-06T07:08:09.010Z', nested: { when: '2024-05-06T07:08:09.010Z' }, list: ['2024-05-06T07:08:09.010Z'] });
  });

  it('headers are copied too: changing the published headers object afterwards changes nothing delivered', async () => {
    const name = uniqueQueueName('json');
    const queue = await open({ serialization: 'json' });
    const headers: Record<string, string> = { tenant: 'acme' };
    await queue.publish(name, { payload: 1, headers });
    headers.tenant = 'changed';
    headers.extra = 'added';
    const message = await pullOne(queue, name);
    expect(message.headers).toEqual({ tenant: 'acme' });
    expect(message.headers).not.toBe(headers);
  });
});

describe("serialization: 'none' (the default), for contrast", () => {
  it('the processor gets the very object that was published: a Date stays a Date, and later mutations show', async () => {
    const name = uniqueQueueName('by-reference');
    const queue = await open({});
    const at = new Date('2024-05-06T07:08:09.010Z');
    const published = { at, count: 1 };
    await queue.publish(name, { payload: published });
    published.count = 2;
    const message = await pullOne(queue, name);
    expect(message.payload, 'passed by reference, not copied').toBe(published);
    expect((message.payload as typeof published).at).toBeInstanceOf(Date);
    expect((message.payload as typeof published).count).toBe(2);
  });

  it('payloads JSON cannot carry (BigInt, cycles) are accepted and delivered as they are', async () => {
    const name = uniqueQueueName('by-reference');
    const queue = await open({ serialization: 'none' });
    const loop = cyclic();
    await queue.publish(name, [{ payload: 10n }, { payload: loop }]);
    expect((await pullOne(queue, name)).payload).toBe(10n);
    expect((await pullOne(queue, name)).payload).toBe(loop);
  });
});

describe('capabilities follow the serialization', () => {
  it("isolatedPayloads is false by default, with a note pointing to serialization: 'json'", () => {
    for (const provider of [memory(), memory({ serialization: 'none' })]) {
      expect(provider.capabilities.isolatedPayloads).toBe(false);
      expect(provider.capabilityNotes.isolatedPayloads).toContain("serialization: 'json'");
    }
  });

  it("isolatedPayloads is true with serialization: 'json', and only persistence and transactional publish are noted as missing", () => {
    const provider = memory({ serialization: 'json' });
    expect(provider.capabilities.isolatedPayloads).toBe(true);
    expect(Object.keys(provider.capabilityNotes).sort()).toEqual(['persistence', 'transactionalPublish']);
  });

  it('every other capability is the same in both modes: all but persistence and transactional publish', () => {
    const missing = new Set(['persistence', 'transactionalPublish']);
    for (const provider of [memory(), memory({ serialization: 'json' })]) {
      for (const name of CAPABILITY_NAMES) {
        if (name === 'isolatedPayloads') continue;
        expect(provider.capabilities[name], name).toBe(!missing.has(name));
        if (missing.has(name)) expect(provider.capabilityNotes[name], name).toBeTruthy();
      }
      expect(Object.isFrozen(provider.capabilities), 'capabilities cannot be changed at runtime').toBe(true);
    }
  });
});
