// Pieces durable providers share: QueueWake, the `queues` option, the bound on a backend call.
import { describe, expect, it } from 'vitest';
import { ErrorCode, QueueWake, checkDeclaredQueue, isMqkitError, resolveDeclaredQueues, withTimeout } from '../src/index.js';

describe('QueueWake', () => {
  it('wait resolves on notify, on its signal, or after its time — whichever is first — and forgets the waiter', async () => {
    const wake = new QueueWake();
    const notified = wake.wait(60_000, new AbortController().signal);
    expect(wake.waiting).toBe(1);
    wake.notify();
    await notified;
    const aborts = new AbortController();
    const aborted = wake.wait(60_000, aborts.signal);
    aborts.abort();
    await aborted;
    const started = performance.now();
    await wake.wait(20, new AbortController().signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
    expect(wake.waiting).toBe(0);
  });

  it('notifyOne wakes the longest-waiting waiter only, and says whether anyone was waiting', async () => {
    const wake = new QueueWake();
    const woken: string[] = [];
    const first = wake.wait(60_000, new AbortController().signal).then(() => woken.push('first'));
    const second = wake.wait(60_000, new AbortController().signal).then(() => woken.push('second'));
    expect(wake.notifyOne()).toBe(true);
    await first;
    expect(woken).toEqual(['first']);
    expect(wake.waiting).toBe(1);
    expect(wake.notifyOne()).toBe(true);
    await second;
    expect(woken).toEqual(['first', 'second']);
    expect(wake.notifyOne()).toBe(false);
  });

  it('an already-aborted signal resolves at once, without waiting', async () => {
    const wake = new QueueWake();
    await wake.wait(60_000, AbortSignal.abort());
    expect(wake.waiting).toBe(0);
  });
});

describe('declared queues', () => {
  it('undefined accepts any name; a list declares the names; a bad entry is a ConfigError naming <provider>.queues[i]', () => {
    expect(resolveDeclaredQueues(undefined, 'p')).toBeUndefined();
    const declared = resolveDeclaredQueues(['a', 'b'], 'p');
    expect([...declared!]).toEqual(['a', 'b']);
    for (const [value, field] of [[[], 'p.queues'], ['a', 'p.queues'], [['a', 'not ok'], 'p.queues[1]']] as const) {
      let error: unknown;
      try {
        resolveDeclaredQueues(value, 'p');
      } catch (e) {
        error = e;
      }
      expect(isMqkitError(error, ErrorCode.Config)).toBe(true);
      expect((error as { field?: unknown }).field).toBe(field);
    }
  });

  it('an undeclared queue is an UnknownQueueError naming the declared ones', () => {
    expect(() => checkDeclaredQueue(undefined, 'x', 'p')).not.toThrow();
    expect(() => checkDeclaredQueue(new Set(['a']), 'a', 'p')).not.toThrow();
    let error: unknown;
    try {
      checkDeclaredQueue(new Set(['a']), 'x', 'p');
    } catch (e) {
      error = e;
    }
    expect(isMqkitError(error, ErrorCode.UnknownQueue)).toBe(true);
    expect((error as Error).message).toMatch(/\[mqkit\] \[p\].*one of: a/);
  });
});

describe('withTimeout', () => {
  it('a call that does not answer within the bound fails with a retryable error naming operationTimeoutMs', async () => {
    const error = await withTimeout(new Promise(() => undefined), 20, 'claiming', 'p').catch((e: unknown) => e);
    expect(isMqkitError(error, ErrorCode.Retryable)).toBe(true);
    expect((error as Error).message).toMatch(/\[mqkit\] \[p\] claiming did not answer within 20 ms \(operationTimeoutMs\)/);
  });

  it('an answer in time passes through, and so does a failure', async () => {
    expect(await withTimeout(Promise.resolve(7), 1_000, 'x', 'p')).toBe(7);
    await expect(withTimeout(Promise.reject(new Error('boom')), 1_000, 'x', 'p')).rejects.toThrow('boom');
  });
});
