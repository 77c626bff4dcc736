/**
 * Milliseconds from an arbitrary origin that never go backwards and ignore wall-clock changes:
 * what lease renewal, deadlines and backoff are timed with (the injected `Clock` only stamps
 * events and messages). A host whose clock jumps, or a backend on another clock, cannot make a
 * lease look longer or shorter than the time that really passed here.
 */
export function monotonicNow(): number {
  return performance.now();
}
