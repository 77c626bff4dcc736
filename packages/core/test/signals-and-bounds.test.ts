import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { bounded } from '../src/runtime/bounded.js';
import { leaseEnd, nextRenewal, renewalBackoff, settleBackoff } from '../src/runtime/lease-timing.js';
import { calledFromProcessor, mqkitAwaitProcessor, mqkitInvokeProcessor } from '../src/runtime/processor-frame.js';
import { linkSignals, timeoutSignal } from '../src/util/linked-signal.js';
import { context } from './fixtures.js';

describe('linkSignals', () => {
  it('aborts with the reason of whichever source aborts first, and removes its listeners from the others', () => {
    const a = new AbortController();
    const b = new AbortController();
    const link = linkSignals([a.signal, undefined, b.signal]);
    b.abort('b first');
    expect(link.signal.aborted).toBe(true);
    expect(link.signal.reason).toBe('b first');
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(0);
  });

  it('dispose() removes its listeners, so a long-lived source keeps none', () => {
    const app = new AbortController();
    for (let i = 0; i < 100; i++) linkSignals([app.signal]).dispose();
    expect(getEventListeners(app.signal, 'abort')).toHaveLength(0);
  });

  it('is aborted at once when a source already is', () => {
    const a = new AbortController();
    a.abort('early');
    expect(linkSignals([a.signal]).signal.reason).toBe('early');
  });

  it('timeoutSignal aborts after its time with a TimeoutError, and not after dispose()', async () => {
    const t = timeoutSignal(5);
    await new Promise((r) => setTimeout(r, 20));
    expect((t.signal.reason as DOMException).name).toBe('TimeoutError');
    const d = timeoutSignal(5);
    d.dispose();
    await new Promise((r) => setTimeout(r, 20));
    expect(d.signal.aborted).toBe(false);
  });
});

describe('bounded', () => {
  it('says ok, failed (also for a synchronous throw) or timed-out, and never rejects', async () => {
    expect(await bounded(() => Promise.resolve(7), 50)).toEqual({ kind: 'ok', value: 7 });
    const error = new Error('no');
    expect(await bounded(() => Promise.reject(error), 50)).toEqual({ kind: 'failed', error });
    expect(
      await bounded(() => {
        throw error;
      }, 50),
    ).toEqual({ kind: 'failed', error });
    expect(await bounded(() => new Promise(() => undefined), 10)).toEqual({ kind: 'timed-out' });
  });
});

describe('lease timing', () => {
  it('renews a third of the lease after the last renewal was sent, and takes the lease as ended a lease after it', () => {
    expect(nextRenewal(1_000, 9_000)).toBe(4_000);
    expect(leaseEnd(1_000, 9_000)).toBe(10_000);
  });

  it('backs renewals off from 25 ms doubling, capped at a sixth of the lease; settlements from 20 ms doubling, capped at 1 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => renewalBackoff(n, 6_000))).toEqual([50, 100, 200, 400, 800, 1_000, 1_000, 1_000]);
    expect(renewalBackoff(1, 60)).toBe(10);
    expect([1, 2, 3, 7, 8, 20].map((n) => settleBackoff(n))).toEqual([20, 40, 80, 1_000, 1_000, 1_000]);
  });
});

describe('calledFromProcessor', () => {
  it('is false outside a processor and true inside one, synchronously or after awaits', async () => {
    expect(calledFromProcessor()).toBe(false);
    const seen: boolean[] = [];
    const processor = async (): Promise<void> => {
      seen.push(calledFromProcessor());
      await new Promise((r) => setTimeout(r, 1));
      seen.push(calledFromProcessor());
    };
    const result = mqkitInvokeProcessor(processor, [], context());
    await mqkitAwaitProcessor(result as Promise<void>, { answered: () => undefined });
    expect(seen).toEqual([true, true]);
  });

  it('is false in what core runs with the answer under the frame (a provider or listener it calls, say), true again in the processor after', async () => {
    const seen: boolean[] = [];
    const processor = async (): Promise<void> => {
      await new Promise((r) => setTimeout(r, 1));
      seen.push(calledFromProcessor());
    };
    const result = mqkitInvokeProcessor(processor, [], context());
    await mqkitAwaitProcessor(result as Promise<void>, { answered: () => void seen.push(calledFromProcessor()) });
    const again = mqkitInvokeProcessor(() => void seen.push(calledFromProcessor()), [], context());
    expect(again).toBeUndefined();
    expect(seen).toEqual([true, false, true]);
  });

  it('is false in a callback the processor detached (a timer it did not await)', async () => {
    let inTimer: boolean | undefined;
    const processor = (): void => void setTimeout(() => (inTimer = calledFromProcessor()), 1);
    void mqkitInvokeProcessor(processor, [], context());
    await new Promise((r) => setTimeout(r, 10));
    expect(inTimer).toBe(false);
  });
});
