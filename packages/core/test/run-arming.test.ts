import { describe, expect, it } from 'vitest';
import { armSoon, disarm, type Armable } from '../src/runtime/run-arming.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function armable(): Armable & { armed: number } {
  const run = { armed: 0, arm: () => void run.armed++ };
  return run;
}

describe('run arming', () => {
  it('arms the runs still listed once, after the turn, and not those disarmed meanwhile', async () => {
    const [a, b, c] = [armable(), armable(), armable()];
    armSoon(a);
    const ticket = armSoon(b);
    armSoon(c);
    disarm(b, ticket);
    expect([a.armed, b.armed, c.armed]).toEqual([0, 0, 0]);
    await turn();
    expect([a.armed, b.armed, c.armed]).toEqual([1, 0, 1]);
    await turn();
    expect([a.armed, b.armed, c.armed]).toEqual([1, 0, 1]);
  });

  it('ignores a ticket from an earlier turn: it disarms no run of the current one', async () => {
    const early = armable();
    const ticket = armSoon(early);
    await turn();
    const late = armable();
    expect(armSoon(late)).toBe(ticket); // the same position, in a new turn's list
    disarm(early, ticket);
    await turn();
    expect([early.armed, late.armed]).toEqual([1, 1]);
  });
});

describe('run arming, tickets reused within a turn', () => {
  it('a run that takes the ticket of one finished in the same turn is still armed, the finished one not again', async () => {
    const [first, second, third] = [armable(), armable(), armable()];
    const ticket = armSoon(first);
    disarm(first, ticket); // finished within the turn: its place is free again
    const again = armSoon(second);
    expect(again).toBe(ticket);
    disarm(first, ticket); // a late second disarm of the first run must not remove the second
    armSoon(third);
    await turn();
    expect([first.armed, second.armed, third.armed]).toEqual([0, 1, 1]);
  });
});
