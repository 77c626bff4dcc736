import type { ConsumeSettings } from './consume-settings.js';
import { leaseEnd, nextRenewal } from './lease-timing.js';

/**
 * The part of a claim run that only matters once it needs a timer: its deadline, the lease and its
 * renewals, by core's monotonic clock (see `lease-timing.ts`). A run makes it on first need —
 * when its processor outlives the turn it started in, calls `ctx.extendLease` or reads
 * `ctx.deadline`, or when a settlement has to be retried — with the values it would have had from
 * the start. Most batches finish first and never make one: these are fractional or epoch numbers,
 * which V8 keeps in a heap box each, so on the run itself they cost an allocation apiece per claim.
 */
export class RunTiming {
  deadlineMono: number;
  /** The lease length asked for by the last renewal (never shortened by a later one). */
  leaseMs: number;
  /** By then the lease has surely ended, unless a renewal sent earlier extended it. */
  leaseEnd: number;
  renewAt: number;
  renewFailures = 0;
  /** The backend's view (information only). */
  leaseExpiresAt: number;
  /** The renewal in flight, if any (never rejects). */
  renewing: Promise<void> | undefined = undefined;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  timerAt = 0;
  /** Epoch ms (the injected clock) at which the processor was interrupted, for `processor.overrun`. */
  interruptedAt = 0;

  constructor(startedMono: number, settings: ConsumeSettings, leaseExpiresAt: number) {
    this.deadlineMono = startedMono + settings.timeoutMs;
    this.leaseMs = settings.leaseMs;
    this.leaseEnd = leaseEnd(startedMono, settings.leaseMs);
    this.renewAt = nextRenewal(startedMono, settings.leaseMs);
    this.leaseExpiresAt = leaseExpiresAt;
  }
}
