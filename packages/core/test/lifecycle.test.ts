import { afterEach, describe, expect, it, vi } from 'vitest';
import { ListenerOverloadError } from '../src/errors/listener-overload-error.js';
import type { AnyLifecycleEvent, LifecycleEventName, LifecycleEvents, LifecycleListener } from '../src/lifecycle/events.js';
import { Lifecycle, type LifecycleErrorHandler } from '../src/lifecycle/lifecycle.js';
import { deferred, settle } from './fixtures.js';

type Replayed = LifecycleEvents['message.replayed'];
const replayed = (count = 1): Replayed => ({ queue: 'q', count, at: 1000 });
const lag: LifecycleEvents['lag'] = { queue: 'q', shardId: undefined, ms: 5, messages: 2, at: 1000 };

/** A Lifecycle whose onError records every report. */
function recordingLifecycle(maxPendingPerListener?: number) {
  const reports: Array<{ error: unknown; event: string; listener: string }> = [];
  const onError: LifecycleErrorHandler = (error, info) => reports.push({ error, ...info });
  const lifecycle = new Lifecycle(maxPendingPerListener === undefined ? { onError } : { onError, maxPendingPerListener });
  return { lifecycle, reports };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Lifecycle dispatch', () => {
  it('calls a handler with the event object for its own event only', () => {
    const lifecycle = new Lifecycle();
    const onReplayed = vi.fn();
    const onLag = vi.fn();
    lifecycle.add({ 'message.replayed': onReplayed, lag: onLag });
    const event = replayed(3);
    lifecycle.emit('message.replayed', event);
    expect(onReplayed).toHaveBeenCalledTimes(1);
    expect(onReplayed.mock.calls[0]?.[0]).toBe(event);
    expect(onLag).not.toHaveBeenCalled();
  });

  it('gives onEvent every event with its type, without changing the emitted object', () => {
    const lifecycle = new Lifecycle();
    const seen: AnyLifecycleEvent[] = [];
    lifecycle.add({ onEvent: (e) => void seen.push(e) });
    const event = replayed(2);
    lifecycle.emit('message.replayed', event);
    lifecycle.emit('lag', lag);
    expect(seen).toEqual([
      { type: 'message.replayed', queue: 'q', count: 2, at: 1000 },
      { type: 'lag', ...lag },
    ]);
    expect(event).not.toHaveProperty('type');
  });

  it('calls handlers synchronously, in the order listeners were added, then the catch-alls', () => {
    const lifecycle = new Lifecycle();
    const order: string[] = [];
    lifecycle.add({ onEvent: () => void order.push('catch-all') });
    lifecycle.add({ 'message.replayed': () => void order.push('first') });
    lifecycle.add({ 'message.replayed': () => void order.push('second') });
    lifecycle.emit('message.replayed', replayed());
    expect(order).toEqual(['first', 'second', 'catch-all']);
  });

  it('ignores the name and properties that are not functions', () => {
    const lifecycle = new Lifecycle();
    const listener = { name: 'odd', 'message.replayed': 'not a function' } as unknown as Parameters<Lifecycle['add']>[0];
    lifecycle.add(listener);
    expect(lifecycle.has('message.replayed')).toBe(false);
    expect(() => lifecycle.emit('message.replayed', replayed())).not.toThrow();
  });

  it('dispatches every event name to its handler', () => {
    // A Record over the event names: adding an event without listing it here fails the typecheck.
    const names: Record<LifecycleEventName, true> = {
      'message.published': true,
      'message.received': true,
      'message.processed': true,
      'message.failed': true,
      'message.retried': true,
      'message.dead-lettered': true,
      'message.expired': true,
      'message.replayed': true,
      'processor.timeout': true,
      'processor.overrun': true,
      'consumer.started': true,
      'consumer.stopped': true,
      'consumer.error': true,
      'lease.acquired': true,
      'lease.renewed': true,
      'lease.lost': true,
      'lease.stolen': true,
      'lease.released': true,
      checkpoint: true,
      rebalance: true,
      'poison-pill': true,
      'heartbeat.failed': true,
      throttled: true,
      lag: true,
    };
    const all = Object.keys(names) as LifecycleEventName[];
    const lifecycle = new Lifecycle();
    const seen: string[] = [];
    const listener = Object.fromEntries(all.map((name) => [name, () => void seen.push(name)])) as LifecycleListener;
    lifecycle.add(listener);
    for (const name of all) {
      expect(lifecycle.has(name)).toBe(true);
      lifecycle.emit(name, { queue: 'q', at: 0 } as never);
    }
    expect(seen).toEqual(all);
  });

  it('finds handlers written as class methods and calls them with the listener as this', () => {
    class Counter {
      readonly name = 'counter';
      replays = 0;
      'message.replayed'(event: Replayed): void {
        this.replays += event.count;
      }
      onEvent(): void {
        this.replays += 100;
      }
    }
    const lifecycle = new Lifecycle();
    const counter = new Counter();
    lifecycle.add(counter);
    lifecycle.emit('message.replayed', replayed(2));
    expect(counter.replays).toBe(102);
  });

  it('does nothing when an event has no listener', () => {
    expect(() => new Lifecycle().emit('lag', lag)).not.toThrow();
  });
});

describe('Lifecycle.has', () => {
  it('is true only for events some handler wants', () => {
    const lifecycle = new Lifecycle();
    expect(lifecycle.has('message.replayed')).toBe(false);
    lifecycle.add({ 'message.replayed': () => undefined });
    expect(lifecycle.has('message.replayed')).toBe(true);
    expect(lifecycle.has('lag')).toBe(false);
  });

  it('is true for every event once a catch-all listens', () => {
    const lifecycle = new Lifecycle();
    lifecycle.add({ onEvent: () => undefined });
    expect(lifecycle.has('lag')).toBe(true);
    expect(lifecycle.has('consumer.stopped')).toBe(true);
  });
});

describe('Lifecycle.add', () => {
  it('returns a function that removes every handler of that listener', () => {
    const lifecycle = new Lifecycle();
    const onReplayed = vi.fn();
    const onEvent = vi.fn();
    const remove = lifecycle.add({ 'message.replayed': onReplayed, onEvent });
    remove();
    lifecycle.emit('message.replayed', replayed());
    expect(onReplayed).not.toHaveBeenCalled();
    expect(onEvent).not.toHaveBeenCalled();
    expect(lifecycle.has('message.replayed')).toBe(false);
    expect(lifecycle.has('lag')).toBe(false);
  });

  it('removes only its own listener, even when another shares the same function, and tolerates a second call', () => {
    const lifecycle = new Lifecycle();
    const shared = vi.fn();
    const removeFirst = lifecycle.add({ 'message.replayed': shared, onEvent: shared });
    lifecycle.add({ 'message.replayed': shared, onEvent: shared });
    removeFirst();
    removeFirst();
    lifecycle.emit('message.replayed', replayed());
    expect(shared).toHaveBeenCalledTimes(2);
    expect(lifecycle.has('message.replayed')).toBe(true);
  });
});

describe('Lifecycle isolation', () => {
  it('reports a throwing handler with the event and listener name and still calls the other listeners', () => {
    const { lifecycle, reports } = recordingLifecycle();
    const before = vi.fn();
    const after = vi.fn();
    const boom = new Error('listener bug');
    lifecycle.add({ name: 'before', 'message.replayed': before });
    lifecycle.add({
      name: 'audit',
      'message.replayed': () => {
        throw boom;
      },
    });
    lifecycle.add({ name: 'after', 'message.replayed': after, onEvent: after });
    expect(() => lifecycle.emit('message.replayed', replayed())).not.toThrow();
    expect(before).toHaveBeenCalledTimes(1);
    expect(after).toHaveBeenCalledTimes(2);
    expect(reports).toEqual([{ error: boom, event: 'message.replayed', listener: 'audit' }]);
  });

  it('names listeners without a name listener#1, listener#2, … in the order they were added', () => {
    const { lifecycle, reports } = recordingLifecycle();
    const fail = (): void => {
      throw new Error('x');
    };
    lifecycle.add({ lag: fail });
    lifecycle.add({ name: 'named', lag: fail });
    lifecycle.add({ lag: fail });
    lifecycle.emit('lag', lag);
    expect(reports.map((r) => r.listener)).toEqual(['listener#1', 'named', 'listener#2']);
  });

  it('reports a rejecting async handler later, without blocking emit or the other listeners', async () => {
    const { lifecycle, reports } = recordingLifecycle();
    const boom = new Error('async listener bug');
    const other = vi.fn();
    lifecycle.add({ name: 'metrics', onEvent: () => Promise.reject(boom) });
    lifecycle.add({ name: 'other', lag: other });
    lifecycle.emit('lag', lag);
    expect(other).toHaveBeenCalledTimes(1);
    expect(reports).toEqual([]);
    await settle();
    expect(reports).toEqual([{ error: boom, event: 'lag', listener: 'metrics' }]);
  });

  it('does not report a resolving async handler', async () => {
    const { lifecycle, reports } = recordingLifecycle();
    lifecycle.add({ lag: async () => undefined });
    lifecycle.emit('lag', lag);
    await settle();
    expect(reports).toEqual([]);
  });

  it('swallows an error thrown by onError itself, for throws and rejections alike', async () => {
    const onError = vi.fn(() => {
      throw new Error('the error hook is broken too');
    });
    const lifecycle = new Lifecycle({ onError });
    const after = vi.fn();
    lifecycle.add({
      lag: () => {
        throw new Error('sync');
      },
    });
    lifecycle.add({ lag: () => Promise.reject(new Error('async')) });
    lifecycle.add({ lag: after });
    expect(() => lifecycle.emit('lag', lag)).not.toThrow();
    expect(after).toHaveBeenCalledTimes(1);
    await settle();
    expect(onError).toHaveBeenCalledTimes(2);
  });

  it('swallows listener failures when no onError is given', async () => {
    const lifecycle = new Lifecycle();
    lifecycle.add({
      lag: () => {
        throw new Error('sync');
      },
    });
    lifecycle.add({ onEvent: () => Promise.reject(new Error('async')) });
    expect(() => lifecycle.emit('lag', lag)).not.toThrow();
    await settle();
  });
});

describe('Lifecycle overload cap', () => {
  it('reports one ListenerOverloadError when a listener reaches the cap and drops its events after that', () => {
    const { lifecycle, reports } = recordingLifecycle(4);
    const hanging = vi.fn(() => new Promise<void>(() => undefined));
    const healthy = vi.fn();
    lifecycle.add({ name: 'hangs', 'message.replayed': hanging });
    lifecycle.add({ name: 'healthy', 'message.replayed': healthy });
    for (let i = 0; i < 10; i++) lifecycle.emit('message.replayed', replayed(i));
    expect(hanging).toHaveBeenCalledTimes(4);
    expect(healthy).toHaveBeenCalledTimes(10);
    expect(reports).toHaveLength(1);
    const [report] = reports;
    expect(report?.event).toBe('message.replayed');
    expect(report?.listener).toBe('hangs');
    expect(report?.error).toBeInstanceOf(ListenerOverloadError);
    expect(report?.error).toMatchObject({ code: 'MQKIT_LISTENER_OVERLOAD', pending: 4, retryable: false });
  });

  it('counts the pending calls of all handlers of one listener together', () => {
    const { lifecycle, reports } = recordingLifecycle(4);
    const never = (): Promise<void> => new Promise<void>(() => undefined);
    lifecycle.add({ name: 'both', 'message.replayed': never, lag: never });
    lifecycle.emit('message.replayed', replayed());
    lifecycle.emit('lag', lag);
    lifecycle.emit('message.replayed', replayed());
    expect(reports).toEqual([]);
    lifecycle.emit('lag', lag);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ event: 'lag', listener: 'both' });
  });

  it('resumes once pending calls fall to half the cap, and reports again on the next overload', async () => {
    const { lifecycle, reports } = recordingLifecycle(4);
    const calls: Array<ReturnType<typeof deferred<void>>> = [];
    const slow = vi.fn(() => {
      const d = deferred<void>();
      calls.push(d);
      return d.promise;
    });
    lifecycle.add({ name: 'slow', 'message.replayed': slow });
    for (let i = 0; i < 6; i++) lifecycle.emit('message.replayed', replayed());
    expect(slow).toHaveBeenCalledTimes(4);
    expect(reports).toHaveLength(1);

    calls[0]?.resolve();
    await settle(); // 3 pending: still above half the cap
    lifecycle.emit('message.replayed', replayed());
    expect(slow).toHaveBeenCalledTimes(4);

    calls[1]?.resolve();
    await settle(); // 2 pending: half the cap, resumes
    lifecycle.emit('message.replayed', replayed());
    expect(slow).toHaveBeenCalledTimes(5);
    expect(reports).toHaveLength(1);

    lifecycle.emit('message.replayed', replayed()); // 4 pending again: a new overload
    expect(slow).toHaveBeenCalledTimes(6);
    expect(reports).toHaveLength(2);
    lifecycle.emit('message.replayed', replayed());
    expect(slow).toHaveBeenCalledTimes(6);
  });

  it('does not count synchronous handlers as pending', () => {
    const { lifecycle, reports } = recordingLifecycle(2);
    const sync = vi.fn();
    lifecycle.add({ lag: sync });
    for (let i = 0; i < 10; i++) lifecycle.emit('lag', lag);
    expect(sync).toHaveBeenCalledTimes(10);
    expect(reports).toEqual([]);
  });
});

describe('Lifecycle.flush', () => {
  it('resolves at once when nothing is pending', async () => {
    vi.useFakeTimers();
    const lifecycle = new Lifecycle();
    lifecycle.add({ lag: () => undefined });
    lifecycle.emit('lag', lag);
    let flushed = false;
    const flushing = lifecycle.flush(60_000).then(() => (flushed = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed).toBe(true);
    await flushing;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits for pending async handler calls, resolving or rejecting, before its timeout', async () => {
    vi.useFakeTimers();
    const { lifecycle, reports } = recordingLifecycle();
    const first = deferred();
    const second = deferred();
    lifecycle.add({ name: 'a', lag: () => first.promise });
    lifecycle.add({ name: 'b', lag: () => second.promise });
    lifecycle.emit('lag', lag);
    let flushed = false;
    const flushing = lifecycle.flush(60_000).then(() => (flushed = true));
    await vi.advanceTimersByTimeAsync(1000);
    expect(flushed).toBe(false);
    first.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed).toBe(false);
    const boom = new Error('late failure');
    second.reject(boom);
    await flushing;
    expect(flushed).toBe(true);
    expect(reports).toEqual([{ error: boom, event: 'lag', listener: 'b' }]);
    expect(vi.getTimerCount()).toBe(0); // its timeout timer was cleared
  });

  it('gives up at its timeout when a handler never settles', async () => {
    vi.useFakeTimers();
    const lifecycle = new Lifecycle();
    lifecycle.add({ lag: () => new Promise<void>(() => undefined) });
    lifecycle.emit('lag', lag);
    let flushed = false;
    const flushing = lifecycle.flush(500).then(() => (flushed = true));
    await vi.advanceTimersByTimeAsync(499);
    expect(flushed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await flushing;
    expect(flushed).toBe(true);
  });

  it('gives up at its timeout with real timers too', async () => {
    const lifecycle = new Lifecycle();
    lifecycle.add({ lag: () => new Promise<void>(() => undefined) });
    lifecycle.emit('lag', lag);
    const outcome = await Promise.race([
      lifecycle.flush(5).then(() => 'flushed'),
      new Promise<string>((resolve) => setTimeout(resolve, 10_000, 'still waiting')),
    ]);
    expect(outcome).toBe('flushed');
  });

  it('does not wait for a listener that was removed', async () => {
    vi.useFakeTimers();
    const lifecycle = new Lifecycle();
    const remove = lifecycle.add({ lag: () => new Promise<void>(() => undefined) });
    lifecycle.emit('lag', lag);
    remove();
    let flushed = false;
    const flushing = lifecycle.flush(60_000).then(() => (flushed = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed).toBe(true);
    await flushing;
  });
});

describe('Lifecycle: listeners that add or remove listeners while an event is dispatched', () => {
  it('a listener that unsubscribes inside its handler does not make the next listener miss the event', () => {
    const lifecycle = new Lifecycle();
    const got: string[] = [];
    const removeFirst = lifecycle.add({ lag: () => void (got.push('first'), removeFirst()) });
    lifecycle.add({ lag: () => void got.push('second') });
    lifecycle.add({ lag: () => void got.push('third') });
    lifecycle.emit('lag', lag);
    expect(got).toEqual(['first', 'second', 'third']);
    lifecycle.emit('lag', lag);
    expect(got).toEqual(['first', 'second', 'third', 'second', 'third']);
  });

  it('two one-shot waiters on one event both get it (each removes itself when called)', () => {
    const lifecycle = new Lifecycle();
    const got: number[] = [];
    for (const n of [1, 2]) {
      const remove = lifecycle.add({ onEvent: () => void (got.push(n), remove()) });
    }
    lifecycle.emit('lag', lag);
    expect(got).toEqual([1, 2]);
    expect(lifecycle.has('lag')).toBe(false);
  });

  it('a listener added inside a handler gets the next event, not the one being dispatched', () => {
    const lifecycle = new Lifecycle();
    const got: string[] = [];
    lifecycle.add({ lag: () => void (got.length === 0 && lifecycle.add({ lag: () => void got.push('late') }), got.push('early')) });
    lifecycle.emit('lag', lag);
    expect(got).toEqual(['early']);
    lifecycle.emit('lag', lag);
    expect(got).toEqual(['early', 'early', 'late']);
  });

  it('removing a listener twice changes nothing the second time', () => {
    const lifecycle = new Lifecycle();
    const got: string[] = [];
    const remove = lifecycle.add({ lag: () => void got.push('a') });
    lifecycle.add({ lag: () => void got.push('b') });
    remove();
    remove();
    lifecycle.emit('lag', lag);
    expect(got).toEqual(['b']);
  });
});
