/**
 * A signal that aborts when any of `signals` does, with that one's reason — without
 * `AbortSignal.any`, which on Node 20 keeps every signal it made alive as long as its sources
 * live: a process that combines a long-lived signal (a queue's, an app's shutdown signal) with a
 * short-lived one per call would grow without bound. Call `dispose()` when done: it removes the
 * listeners from the sources, so the linked signal can be collected.
 */
export interface LinkedSignal {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function linkSignals(signals: ReadonlyArray<AbortSignal | undefined>): LinkedSignal {
  const controller = new AbortController();
  const sources = signals.filter((s): s is AbortSignal => s !== undefined);
  const already = sources.find((s) => s.aborted);
  if (already !== undefined) {
    controller.abort(already.reason);
    return { signal: controller.signal, dispose: () => undefined };
  }
  const onAbort = (event: Event): void => {
    dispose();
    controller.abort((event.target as AbortSignal).reason);
  };
  const dispose = (): void => {
    for (const s of sources) s.removeEventListener('abort', onAbort);
  };
  for (const s of sources) s.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, dispose };
}

/** A signal that aborts after `ms` (reason: a `TimeoutError` DOMException, like `AbortSignal.timeout`), with a `dispose()` that clears the timer. */
export function timeoutSignal(ms: number): LinkedSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')), ms);
  return { signal: controller.signal, dispose: () => clearTimeout(timer) };
}
