import { describe, expect, it, vi } from 'vitest';
import type { Message } from '../src/contracts/message.js';
import { ack, retry, type Outcome } from '../src/contracts/outcome.js';
import type { ProcessorContext } from '../src/contracts/processor.js';
import { eachMessage } from '../src/each-message.js';
import { PermanentError } from '../src/errors/permanent-error.js';
import { TimeoutError } from '../src/errors/timeout-error.js';
import { DEFAULT_RETRY_POLICY } from '../src/retry/retry-policy.js';
import { fromOutcomes } from '../src/runtime/outcome-settlement.js';
import { context, deferred, messages, settle } from './fixtures.js';

/** Runs the processor and returns its outcomes as an array (it always returns one). */
async function run(processor: ReturnType<typeof eachMessage>, batch: readonly Message[], ctx: ProcessorContext): Promise<readonly (Outcome | undefined)[]> {
  const result = await processor(batch, ctx);
  if (!Array.isArray(result)) throw new Error(`expected an array of outcomes, got ${typeof result}`);
  return result as readonly (Outcome | undefined)[];
}

describe('eachMessage', () => {
  it('acks every message the handler completes, calling it with each message and the context', async () => {
    const batch = messages(3);
    const ctx = context();
    const handler = vi.fn();
    expect(await run(eachMessage(handler), batch, ctx)).toEqual([ack(), ack(), ack()]);
    expect(handler.mock.calls).toEqual(batch.map((m) => [m, ctx]));
  });

  it('returns an empty array for an empty batch', async () => {
    expect(await run(eachMessage(vi.fn()), [], context())).toEqual([]);
  });

  it('runs the messages one after another, in batch order', async () => {
    const batch = messages(3);
    const started: string[] = [];
    const gates = batch.map(() => deferred());
    const processing = run(
      eachMessage(async (m: Message) => {
        started.push(m.id);
        await gates[started.length - 1]?.promise;
      }),
      batch,
      context(),
    );
    await settle();
    expect(started).toEqual(['m1']);
    gates[0]?.resolve();
    await settle();
    expect(started).toEqual(['m1', 'm2']);
    gates[1]?.resolve();
    gates[2]?.resolve();
    expect(await processing).toHaveLength(3);
    expect(started).toEqual(['m1', 'm2', 'm3']);
  });

  it("turns a throw into that message's own retry outcome and carries on with the rest", async () => {
    const boom = new Error('message 2 is broken');
    const handler = vi.fn((m: Message) => {
      if (m.id === 'm2') throw boom;
    });
    expect(await run(eachMessage(handler), messages(3), context())).toEqual([ack(), retry(boom), ack()]);
    expect(handler).toHaveBeenCalledTimes(3);
  });

  it('turns a rejection and a non-Error throw into retry outcomes carrying them as thrown', async () => {
    const outcomes = await run(
      eachMessage(async (m: Message) => {
        if (m.id === 'm1') throw new PermanentError('bad data');
        if (m.id === 'm2') throw 'just a string'; // eslint-disable-line @typescript-eslint/only-throw-error
      }),
      messages(2),
      context(),
    );
    expect(outcomes[0]).toMatchObject({ kind: 'retry', error: expect.any(PermanentError) as unknown });
    expect(outcomes[1]).toEqual({ kind: 'retry', error: 'just a string', delayMs: undefined });
  });

  it('lets a PermanentError thrown for one message dead-letter it while its neighbours are acked', async () => {
    const batch = messages(3);
    const outcomes = await run(
      eachMessage((m: Message) => {
        if (m.id === 'm2') throw new PermanentError('bad data');
      }),
      batch,
      context(),
    );
    const plan = fromOutcomes(batch, outcomes, DEFAULT_RETRY_POLICY, 0);
    expect(plan.ack.map((m) => m.id)).toEqual(['m1', 'm3']);
    expect(plan.deadLetter.map((d) => [d.message.id, d.reason])).toEqual([['m2', 'permanent']]);
  });

  it('calls nothing and retries the whole batch with the reason when the signal is already aborted', async () => {
    const controller = new AbortController();
    const reason = new TimeoutError(100);
    controller.abort(reason);
    const handler = vi.fn();
    expect(await run(eachMessage(handler), messages(2), context(controller.signal))).toEqual([retry(reason), retry(reason)]);
    expect(handler).not.toHaveBeenCalled();
  });

  it('stops after the signal aborts, keeping the outcome of the message in hand and retrying the rest', async () => {
    const controller = new AbortController();
    const reason = new TimeoutError(100);
    const handler = vi.fn((m: Message) => {
      if (m.id === 'm2') controller.abort(reason);
    });
    const outcomes = await run(eachMessage(handler), messages(4), context(controller.signal));
    expect(outcomes).toEqual([ack(), ack(), retry(reason), retry(reason)]);
    expect(handler.mock.calls.map(([m]) => m.id)).toEqual(['m1', 'm2']);
    expect((outcomes[2] as { error: unknown }).error).toBe(reason);
  });

  it('keeps the failure of the message whose handler threw as the signal aborted', async () => {
    const controller = new AbortController();
    const boom = new Error('aborted mid-way');
    const handler = (m: Message): void => {
      if (m.id === 'm1') {
        controller.abort(new TimeoutError(5));
        throw boom;
      }
    };
    const outcomes = await run(eachMessage(handler), messages(2), context(controller.signal));
    expect(outcomes[0]).toEqual(retry(boom));
    expect(outcomes[1]).toMatchObject({ kind: 'retry', error: expect.any(TimeoutError) as unknown });
  });
});
