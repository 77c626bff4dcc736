import { ListenerOverloadError } from '../errors/listener-overload-error.js';
import type { AnyLifecycleEvent, LifecycleEventName, LifecycleEvents, LifecycleListener } from './events.js';

/** Where listener failures go. Must not throw (if it does, the error is swallowed). */
export type LifecycleErrorHandler = (error: unknown, info: { readonly event: LifecycleEventName; readonly listener: string }) => void;

export interface LifecycleOptions {
  readonly onError?: LifecycleErrorHandler;
  /**
   * Unsettled async calls a listener may have before its events are dropped (and one
   * {@link ListenerOverloadError} is reported). Default 10000.
   */
  readonly maxPendingPerListener?: number;
}

interface ListenerState {
  readonly name: string;
  pending: number;
  overloaded: boolean;
  readonly settled: Set<Promise<unknown>>;
}

type Bound = (event: unknown, name: LifecycleEventName) => void;

/** Every event name a listener can handle, plus the catch-all. */
const LISTENER_KEYS: ReadonlyArray<LifecycleEventName | 'onEvent'> = [
  'message.published',
  'message.received',
  'message.processed',
  'message.failed',
  'message.retried',
  'message.dead-lettered',
  'message.expired',
  'message.replayed',
  'processor.timeout',
  'processor.overrun',
  'consumer.started',
  'consumer.stopped',
  'consumer.error',
  'lease.acquired',
  'lease.renewed',
  'lease.lost',
  'lease.stolen',
  'lease.released',
  'checkpoint',
  'rebalance',
  'poison-pill',
  'heartbeat.failed',
  'throttled',
  'lag',
  'onEvent',
];

/**
 * The lifecycle event bus. Dispatch is synchronous and isolated: each handler runs in a try/catch,
 * an async handler's promise is tracked but never awaited by the emitter, so a throwing, rejecting
 * or never-settling async listener cannot stall or break consumption. (A synchronous handler that
 * loops forever blocks the event loop like any JavaScript code; nothing can preempt it.) `has()` lets emitters skip building events
 * nobody listens to.
 */
export class Lifecycle {
  /**
   * Handler lists are replaced, never changed in place (copy on write): `emit` iterates the list
   * it started with, so a handler that adds or removes listeners (a `nextEvent` waiter removing
   * itself) makes no other listener miss or repeat the event.
   */
  readonly #handlers = new Map<LifecycleEventName, readonly Bound[]>();
  #catchAll: readonly Bound[] = [];
  readonly #states = new Set<ListenerState>();
  readonly #onError: LifecycleErrorHandler;
  readonly #maxPending: number;
  /** Unnamed listeners are told apart as listener#1, listener#2, … */
  #unnamed = 0;

  constructor(options: LifecycleOptions = {}) {
    this.#onError = options.onError ?? (() => undefined);
    this.#maxPending = options.maxPendingPerListener ?? 10_000;
  }

  /** Adds a listener; returns a function that removes it. */
  add(listener: LifecycleListener): () => void {
    const name = listener.name ?? `listener#${++this.#unnamed}`;
    const state: ListenerState = { name, pending: 0, overloaded: false, settled: new Set() };
    this.#states.add(state);
    const added: Array<[LifecycleEventName | '*', Bound]> = [];
    // Known names are looked up (not own keys listed), so handlers written as class methods count.
    for (const key of LISTENER_KEYS) {
      const member = (listener as Record<string, unknown>)[key];
      if (typeof member !== 'function') continue;
      const fn = (event: unknown): unknown => (member as (e: unknown) => unknown).call(listener, event);
      const bound: Bound = (event, name) => this.#call(state, name, fn, event);
      if (key === 'onEvent') {
        const wrapped: Bound = (event, name) => bound({ type: name, ...(event as object) }, name);
        this.#catchAll = [...this.#catchAll, wrapped];
        added.push(['*', wrapped]);
      } else {
        this.#handlers.set(key, [...(this.#handlers.get(key) ?? []), bound]);
        added.push([key, bound]);
      }
    }
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.#states.delete(state);
      for (const [key, bound] of added) {
        if (key === '*') this.#catchAll = this.#catchAll.filter((b) => b !== bound);
        else {
          const rest = (this.#handlers.get(key) ?? []).filter((b) => b !== bound);
          if (rest.length > 0) this.#handlers.set(key, rest);
          else this.#handlers.delete(key);
        }
      }
    };
  }

  /** True when some listener wants `name`: build the event only then. */
  has(name: LifecycleEventName): boolean {
    return this.#catchAll.length > 0 || (this.#handlers.get(name)?.length ?? 0) > 0;
  }

  emit<K extends LifecycleEventName>(name: K, event: LifecycleEvents[K]): void {
    const list = this.#handlers.get(name);
    const all = this.#catchAll;
    if (list) for (let i = 0; i < list.length; i++) list[i]!(event, name);
    for (let i = 0; i < all.length; i++) all[i]!(event, name);
  }

  /** Waits until every tracked async handler call settled, or `timeoutMs` passed. */
  async flush(timeoutMs: number): Promise<void> {
    const pending = [...this.#states].flatMap((s) => [...s.settled]);
    if (pending.length === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref?.();
    });
    await Promise.race([Promise.allSettled(pending), deadline]);
    clearTimeout(timer);
  }

  #call(state: ListenerState, name: LifecycleEventName, fn: (e: unknown) => unknown, event: unknown): void {
    if (state.overloaded) {
      if (state.pending > this.#maxPending / 2) return;
      state.overloaded = false;
    }
    let result: unknown;
    try {
      result = fn(event);
    } catch (error) {
      this.#report(error, name, state.name);
      return;
    }
    if (result !== undefined && typeof (result as Promise<unknown>)?.then === 'function') {
      const promise = result as Promise<unknown>;
      state.pending++;
      if (state.pending >= this.#maxPending) {
        state.overloaded = true;
        this.#report(new ListenerOverloadError(state.name, state.pending), name, state.name);
      }
      const tracked: Promise<void> = promise.then(
        (): void => this.#settle(state, tracked),
        (error: unknown): void => {
          this.#settle(state, tracked);
          this.#report(error, name, state.name);
        },
      );
      state.settled.add(tracked);
    }
  }

  #settle(state: ListenerState, tracked: Promise<unknown>): void {
    state.pending--;
    state.settled.delete(tracked);
  }

  #report(error: unknown, event: LifecycleEventName, listener: string): void {
    try {
      this.#onError(error, { event, listener });
    } catch {
      // The error hook itself failed; there is nowhere left to report to.
    }
  }
}

export type { AnyLifecycleEvent };
