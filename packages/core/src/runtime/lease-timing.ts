/*
 * When a claim's lease is renewed, and when it must be taken as lost — all by core's monotonic
 * clock (`monotonicNow`), never by the backend's `leaseExpiresAt`: a backend may fence with its
 * own clock (a database's `now()`, Redis `TIME`), and no skew between the two may make core renew
 * in a hot loop (backend ahead) or too late (backend behind).
 */

/** The lease a request sent at `sentAt` for `leaseMs` obtained has surely ended by this time. */
export function leaseEnd(sentAt: number, leaseMs: number): number {
  return sentAt + leaseMs;
}

/** A renewal is due a third of the lease after the last one was sent (the KCL's rule too): two chances before it ends. */
export function nextRenewal(sentAt: number, leaseMs: number): number {
  return sentAt + leaseMs / 3;
}

/**
 * The wait before renewal try `failures + 1` after `failures` transient failures in a row: 25 ms
 * doubling, capped at a sixth of the lease so several tries fit before it ends.
 */
export function renewalBackoff(failures: number, leaseMs: number): number {
  return Math.max(1, Math.min(leaseMs / 6, 25 * 2 ** Math.min(failures, 16)));
}

/** The wait before settlement try `failures + 1`: 20 ms doubling, capped at 1 s. */
export function settleBackoff(failures: number): number {
  return Math.min(1_000, 20 * 2 ** Math.min(failures - 1, 16));
}
