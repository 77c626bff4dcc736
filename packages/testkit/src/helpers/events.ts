import { AssertionError } from 'node:assert';
import type { AnyLifecycleEvent, Lifecycle, LifecycleEventName, LifecycleEvents, LifecycleListener } from '@mqkit/core';

/**
 * Resolves with the first `name` event matching `predicate` raised after this call; rejects with
 * an AssertionError after `timeoutMs`. Call it *before* the action that raises the event.
 */
export function nextEvent<K extends LifecycleEventName>(
  lifecycle: Lifecycle,
  name: K,
  predicate: (event: LifecycleEvents[K]) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<LifecycleEvents[K]> {
  let remove: () => void = () => undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<LifecycleEvents[K]>((resolve, reject) => {
    const listener = {
      name: `testkit nextEvent(${name})`,
      [name]: (event: LifecycleEvents[K]) => {
        if (!predicate(event)) return;
        remove();
        clearTimeout(timer);
        resolve(event);
      },
    } as LifecycleListener;
    remove = lifecycle.add(listener);
    timer = setTimeout(() => {
      remove();
      reject(new AssertionError({ message: `timed out after ${timeoutMs} ms waiting for a '${name}' event` }));
    }, timeoutMs);
  });
  // Mark as handled so an early failure elsewhere in the test does not also report this one.
  promise.catch(() => undefined);
  return promise;
}

/** Every event a lifecycle raised since {@link collectEvents} was called, in order. */
export interface EventLog {
  readonly events: readonly AnyLifecycleEvent[];
  /** Events of one type. */
  of<K extends LifecycleEventName>(type: K): Array<LifecycleEvents[K] & { type: K }>;
  /** Event types touching message `id` (batch events count when the batch holds it), in order. */
  typesFor(id: string): LifecycleEventName[];
  stop(): void;
}

export function collectEvents(lifecycle: Lifecycle): EventLog {
  const events: AnyLifecycleEvent[] = [];
  const stop = lifecycle.add({ name: 'testkit collectEvents', onEvent: (event) => void events.push(event) });
  return {
    events,
    of: <K extends LifecycleEventName>(type: K) => events.filter((e) => e.type === type) as unknown as Array<LifecycleEvents[K] & { type: K }>,
    typesFor: (id) => events.filter((e) => touches(e, id)).map((e) => e.type),
    stop,
  };
}

function touches(event: AnyLifecycleEvent, id: string): boolean {
  if ('message' in event) return event.message.id === id;
  if ('messages' in event && Array.isArray(event.messages)) return (event.messages as ReadonlyArray<{ id: string }>).some((m) => m.id === id);
  return false;
}
