// ServerClock: the server's clock estimated from hello's localTime and the round trip.
import { describe, expect, it } from 'vitest';
import { ServerClock } from '../../src/server-clock.js';

describe('ServerClock', () => {
  it("the offset is the server's time minus the midpoint of the round trip", async () => {
    let host = 1_000;
    const clock = new ServerClock(async () => {
      host += 20; // a 40 ms round trip; the server answers in the middle
      const server = new Date(host + 5_000);
      host += 20;
      return server;
    }, 30_000, () => host);
    await clock.measure();
    expect(clock.offsetMs).toBe(5_000);
    expect(clock.now()).toBe(host + 5_000);
  });

  it('refreshes in the background once the measurement is older than refreshMs, one at a time, and never throws', async () => {
    let host = 0;
    let calls = 0;
    const clock = new ServerClock(async () => {
      calls++;
      if (calls > 1) throw new Error('server gone');
      return new Date(host);
    }, 100, () => host);
    await clock.measure();
    clock.refreshIfDue();
    expect(calls).toBe(1);
    host = 150;
    clock.refreshIfDue();
    clock.refreshIfDue();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toBe(2);
    expect(clock.offsetMs).toBe(0);
  });
});
