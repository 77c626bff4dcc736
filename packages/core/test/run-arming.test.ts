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
