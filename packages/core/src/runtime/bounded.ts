/** What became of a call given a time limit. */
export type Bounded<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'timed-out' };

/**
 * Runs `work` and waits for it at most `ms`. Never rejects and never throws: a synchronous throw
 * counts as `failed`. What is still pending when the limit passes keeps running, unobserved.
 */
export function bounded<T>(work: () => PromiseLike<T> | T, ms: number): Promise<Bounded<T>> {
  let pending: Promise<Bounded<T>>;
  try {
    pending = Promise.resolve(work()).then(
      (value): Bounded<T> => ({ kind: 'ok', value }),
      (error: unknown): Bounded<T> => ({ kind: 'failed', error }),
    );
  } catch (error) {
    return Promise.resolve({ kind: 'failed', error });
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<Bounded<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timed-out' }), ms);
  });
  return Promise.race([pending, late]).finally(() => clearTimeout(timer));
}

/**
 * How long a cleanup step of a stop or a close (settling released batches, closing a receiver,
 * closing the provider) may take before core gives up on it and reports it: a backend that hangs
 * must not hold a shutdown.
 */
export const CLEANUP_GRACE_MS = 1_000;
