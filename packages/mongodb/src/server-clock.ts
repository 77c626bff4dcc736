/**
 * An estimate of the server's clock, for what MongoDB cannot stamp itself: an insert cannot
 * evaluate `$$NOW`, so a published message's due time and expiry are this estimate plus its delay
 * and ttl, and claims pick their candidates by it (every claim, settle and renew then decides by
 * `$$NOW` itself). The offset is measured with the `hello` command, whose reply carries the
 * server's `localTime`: offset = localTime − the midpoint of the round trip, so its error is at
 * most half a round trip (plus the clocks' drift until the next measurement).
 */
export class ServerClock {
  #offsetMs = 0;
  #measuredAt = -Infinity;

  constructor(
    /** Runs `hello` and returns the server's `localTime`. */
    private readonly hello: () => Promise<Date>,
    private readonly refreshMs = 30_000,
    private readonly host: () => number = Date.now,
  ) {}

  /** Server time estimate, epoch ms. */
  now(): number {
    return this.host() + this.#offsetMs;
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Measures the offset (at open, then whenever `refreshIfDue` finds it older than `refreshMs`). */
  async measure(): Promise<void> {
    const sent = this.host();
    const serverTime = await this.hello();
    const received = this.host();
    this.#offsetMs = Math.round(serverTime.getTime() - (sent + received) / 2);
    this.#measuredAt = received;
  }

  /** Re-measures in the background when the last measurement is older than `refreshMs`; never throws. */
  refreshIfDue(): void {
    if (this.host() - this.#measuredAt < this.refreshMs) return;
    this.#measuredAt = this.host(); // one refresh at a time
    this.measure().catch(() => undefined);
  }
}
