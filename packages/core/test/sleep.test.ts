import { afterEach, describe, expect, it, vi } from 'vitest';
import { abortedSignal, sleep } from '../src/util/sleep.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Tracks whether a promise has settled. */
function track(promise: Promise<unknown>): { done: () => boolean } {
  let done = false;
  void promise.then(() => (done = true));
  return { done: () => done };
}

describe('sleep', () => {
  it('resolves after ms and not before', async () => {
    vi.useFakeTimers();
    const slept = track(sleep(1000));
    await vi.advanceTimersByTimeAsync(999);
    expect(slept.done()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(slept.done()).toBe(true);
  });

  it('resolves early, and clears its timer, when the signal aborts', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const slept = track(sleep(60_000, controller.signal));
    await vi.advanceTimersByTimeAsync(10);
    expect(slept.done()).toBe(false);
    controller.abort(new Error('stop'));
    await vi.advanceTimersByTimeAsync(0);
    expect(slept.done()).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves at once without a timer when the signal is already aborted', async () => {
    vi.useFakeTimers();
    const slept = track(sleep(60_000, abortedSignal()));
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(slept.done()).toBe(true);
  });

  it('stops listening to the signal once it has slept', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const slept = sleep(100, controller.signal);
    await vi.advanceTimersByTimeAsync(100);
    await slept;
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
  });

  it('resolves early on abort with real timers', async () => {
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal).then(() => 'woke up');
    setTimeout(() => controller.abort(), 1);
    const outcome = await Promise.race([slept, new Promise<string>((resolve) => setTimeout(resolve, 10_000, 'still asleep'))]);
    expect(outcome).toBe('woke up');
  });
});

describe('abortedSignal', () => {
  it('returns a signal that is already aborted', () => {
    expect(abortedSignal().aborted).toBe(true);
  });
});
