// ClaimRun driven directly, over a backend that is slow, fails, hangs, fences and runs on another
// clock (the testkit's difficult() around a tiny honest backend). Each case names the behaviour
// the issue "harden the spine" asked for; each failed on the runtime before it.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/error-codes.js';
import { isMqkitError } from '../../src/errors/is-mqkit-error.js';
import { ackAll } from '../../src/runtime/outcome-settlement.js';
import { aborted, harness, sleep } from '../support/run-harness.js';
import { fault, on, scripts } from '../support/difficult.js';

describe('ClaimRun: lease renewal', () => {
  it('retries a renewal that fails for a passing reason with backoff, not in a hot loop, and takes the lease as lost once it ran out by its own clock', async () => {
    const h = harness({ script: on('renew', fault.fail()), leaseMs: 300 });
    let reason: unknown;
    const run = await h.run(async (_m, ctx) => void (reason = await aborted(ctx.signal)), { timeoutMs: 10_000 });
    const summary = await run.done;
    expect(summary.interrupted).toBe(true);
    expect(isMqkitError(reason, ErrorCode.LeaseLost), `signal reason: ${String(reason)}`).toBe(true);
    expect(h.events.of('lease.lost')).toHaveLength(1);
    const renewals = h.backend.log.count('renew');
    // A third of the lease (100 ms), then 50 ms apart (a sixth of the lease): 4 or 5 tries in 300 ms.
    expect(renewals).toBeGreaterThanOrEqual(2);
    expect(renewals).toBeLessThanOrEqual(8);
    const errors = h.events.of('consumer.error').filter((e) => e.operation === 'renew');
    expect(errors.length).toBe(renewals);
    expect(errors.every((e) => e.retryInMs !== undefined && e.retryInMs > 0)).toBe(true);
  });

  it('keeps the lease through a few failed renewals when a later one succeeds, and the batch is acked', async () => {
    const h = harness({ script: on('renew', fault.fail(), { count: 2 }), leaseMs: 300 });
    const run = await h.run(() => sleep(600), { timeoutMs: 10_000 });
    expect(await run.done).toEqual({ acked: 1, retried: 0, deadLettered: 0, interrupted: false });
    expect(h.events.of('lease.lost')).toHaveLength(0);
    expect(h.events.of('lease.renewed').length).toBeGreaterThanOrEqual(1);
  });

  it('still aborts the processor at its deadline while a renewal hangs', async () => {
    const h = harness({ script: on('renew', fault.hang()), leaseMs: 600 });
    let reason: unknown;
    let at = 0;
    const started = performance.now();
    const run = await h.run(
      async (_m, ctx) => {
        reason = await aborted(ctx.signal);
        at = performance.now() - started;
      },
      { timeoutMs: 300 },
    );
    await run.done;
    expect(h.backend.log.pending('renew')).toBe(1); // the renewal sent at 200 ms never answered
    expect(isMqkitError(reason, ErrorCode.Timeout), `signal reason: ${String(reason)}`).toBe(true);
    expect(at).toBeLessThan(500); // the deadline (300 ms), not the lease's end (600 ms)
    expect(h.events.of('processor.timeout')).toHaveLength(1);
    // The retry cannot be settled while the renewal hangs (never both in flight): at the lease's
    // end the run is lost, and the backend gives the message back when its own lease ends.
    expect(h.backend.log.count('settle')).toBe(0);
    expect(h.events.of('lease.lost')).toHaveLength(1);
    h.backend.release();
  });

  it('takes the lease as lost when a hanging renewal has not answered by the end of the lease', async () => {
    const h = harness({ script: on('renew', fault.hang()), leaseMs: 300 });
    let reason: unknown;
    const run = await h.run(async (_m, ctx) => void (reason = await aborted(ctx.signal)), { timeoutMs: 10_000 });
    expect((await run.done).interrupted).toBe(true);
    expect(isMqkitError(reason, ErrorCode.LeaseLost)).toBe(true);
    expect(h.backend.log.count('renew')).toBe(1); // never a second renewal while one is in flight
    h.backend.release();
  });

  it.each([
    ['ahead of', 5_000],
    ['behind', -5_000],
  ])('renews every third of the lease by its own clock when the backend clock is 5 s %s the consumer', async (_what, skewMs) => {
    const h = harness({ skewMs, leaseMs: 300 });
    const seen: number[] = [];
    const started = performance.now();
    h.lifecycle.add({ 'lease.renewed': () => void seen.push(performance.now() - started) });
    const run = await h.run(() => sleep(700), { timeoutMs: 10_000 });
    expect(await run.done).toMatchObject({ acked: 1, interrupted: false });
    // ~100, 200, 300, … 600 ms: six renewals, not hundreds (backend ahead) and not none (behind).
    expect(h.backend.log.count('renew')).toBeGreaterThanOrEqual(4);
    expect(h.backend.log.count('renew')).toBeLessThanOrEqual(8);
    expect(seen[0]).toBeGreaterThanOrEqual(95);
    expect(seen[0]).toBeLessThan(250);
    expect(h.events.of('lease.lost')).toHaveLength(0);
  });

  it('recognises a LeaseLostError by its code, also from another copy of @mqkit/core', async () => {
    // The wrapper's injected LeaseLostError comes from the built core; this run is core's source.
    const h = harness({ script: on('renew', fault.leaseLost()), leaseMs: 300 });
    let reason: unknown;
    const run = await h.run(async (_m, ctx) => void (reason = await aborted(ctx.signal)), { timeoutMs: 10_000 });
    expect((await run.done).interrupted).toBe(true);
    expect(h.events.of('lease.lost')).toHaveLength(1);
    expect((reason as Error).message).toContain('injected');
    expect(h.backend.log.count('renew')).toBe(1);
  });

  it('ctx.extendLease waits for a renewal in flight, then renews for at least the time asked', async () => {
    const h = harness({ script: on('renew', fault.delay(80), { count: 1 }), leaseMs: 150 });
    const run = await h.run(
      async (_m, ctx) => {
        await sleep(70); // the automatic renewal (at 50 ms) is in flight until ~130 ms
        await ctx.extendLease(1_000);
      },
      { timeoutMs: 10_000 },
    );
    expect(await run.done).toMatchObject({ acked: 1, interrupted: false });
    expect(h.backend.log.overlaps).toEqual([]);
    expect(h.backend.log.count('renew')).toBe(2);
  });
});

describe('ClaimRun: renew and settle of one claim are never in flight together', () => {
  it('settles only after a renewal in flight answered, and an ack is reported as an ack', async () => {
    const h = harness({ script: on('renew', fault.delay(60)), leaseMs: 150 });
    const run = await h.run(
      async () => {
        const until = Date.now() + 2_000;
        while (h.backend.log.pending('renew') === 0 && Date.now() < until) await sleep(2);
      },
      { timeoutMs: 10_000 },
    );
    expect(await run.done).toEqual({ acked: 1, retried: 0, deadLettered: 0, interrupted: false });
    expect(h.backend.log.overlaps).toEqual([]);
    const [renew, settle] = [h.backend.log.of('renew')[0]!, h.backend.log.of('settle')[0]!];
    expect(settle.startedAt).toBeGreaterThanOrEqual(renew.endedAt!);
    expect(h.events.of('lease.lost')).toHaveLength(0);
    expect(h.events.of('message.processed')).toHaveLength(1);
  });

  it('starts no renewal once settling began, even when the settlement is slow', async () => {
    const h = harness({ script: on('settle', fault.delay(250)), leaseMs: 300 });
    const run = await h.run(() => undefined, { timeoutMs: 10_000 });
    await sleep(20);
    expect(await run.done).toMatchObject({ acked: 1, interrupted: false });
    expect(h.backend.log.count('renew')).toBe(0);
    expect(h.backend.log.overlaps).toEqual([]);
  });
});

describe('ClaimRun: settlement', () => {
  it('retries a settlement that fails for a passing reason, with backoff, and reports when the next try is', async () => {
    const h = harness({ script: on('settle', fault.fail(), { count: 3 }), leaseMs: 5_000 });
    const run = await h.run(() => undefined);
    expect(await run.done).toEqual({ acked: 1, retried: 0, deadLettered: 0, interrupted: false });
    expect(h.backend.log.count('settle')).toBe(4);
    const errors = h.events.of('consumer.error');
    expect(errors.map((e) => [e.operation, e.retryInMs])).toEqual([
      ['settle', 20],
      ['settle', 40],
      ['settle', 80],
    ]);
    const tries = h.backend.log.of('settle');
    for (let i = 1; i < tries.length; i++) expect(tries[i]!.startedAt - tries[i - 1]!.endedAt!).toBeGreaterThanOrEqual(15);
    expect(h.events.of('message.processed')).toHaveLength(1);
  });

  it('gives a failing settlement up when the lease would run out first: interrupted, reported with no next try', async () => {
    const h = harness({ script: on('settle', fault.fail()), leaseMs: 200 });
    const run = await h.run(() => undefined);
    expect(await run.done).toEqual({ acked: 0, retried: 0, deadLettered: 0, interrupted: true });
    const errors = h.events.of('consumer.error');
    expect(errors.at(-1)!.retryInMs).toBeUndefined();
    expect(errors.slice(0, -1).every((e) => e.retryInMs !== undefined)).toBe(true);
    expect(h.events.of('message.processed')).toHaveLength(0);
    expect(h.logger.lines.some((l) => l.level === 'error' && /giving up/.test(l.message))).toBe(true);
  });

  it('gives a hanging settlement up at the end of the lease and never sends a second one meanwhile', async () => {
    const h = harness({ script: on('settle', fault.hang()), leaseMs: 200 });
    const run = await h.run(() => undefined);
    expect((await run.done).interrupted).toBe(true);
    expect(h.backend.log.count('settle')).toBe(1);
    expect(h.events.of('consumer.error').at(-1)).toMatchObject({ operation: 'settle', retryInMs: undefined });
    await run.finished;
    h.backend.release();
  });

  it('reports a settlement fenced off as a lost lease: lease.lost, no message.processed', async () => {
    const h = harness({ script: on('settle', fault.leaseLost()) });
    const run = await h.run(() => undefined);
    expect((await run.done).interrupted).toBe(true);
    expect(h.events.of('lease.lost')).toHaveLength(1);
    expect(h.events.of('message.processed')).toHaveLength(0);
  });

  it('reports only what a per-message-fenced settle applied, and lease.lost for the rest', async () => {
    const h = harness();
    await h.publish(3);
    const claim = await h.claim();
    const lostId = claim.messages[1]!.id;
    const receiver = h.receiver;
    const deps = h.deps(() => undefined, {}, {
      receiver: {
        ...receiver,
        settle: async (c, s) => {
          await receiver.settle(c, s);
          return { lost: [lostId] };
        },
      },
    });
    const { ClaimRun } = await import('../../src/runtime/claim-run.js');
    const run = new ClaimRun(deps, claim);
    run.start();
    expect(await run.done).toEqual({ acked: 2, retried: 0, deadLettered: 0, interrupted: true });
    expect(h.events.of('message.processed')[0]!.messages.map((m) => m.id)).not.toContain(lostId);
    expect(h.events.of('lease.lost')).toHaveLength(1);
  });
});

describe('ClaimRun: a receiver that answers settle() with a promise it already fulfilled', () => {
  it('goes on at once once it has seen that promise fulfilled, with the same events and summary', async () => {
    const h = harness();
    const { ClaimRun } = await import('../../src/runtime/claim-run.js');
    const fulfilled = Promise.resolve();
    const receiver = { ...h.receiver, settle: () => fulfilled };
    await h.publish(3);
    const processedAtStart: number[] = [];
    for (let i = 0; i < 3; i++) {
      const run = new ClaimRun(h.deps(() => undefined, {}, { receiver }), await h.claim(1));
      run.start(); // a synchronous processor: with a known-fulfilled settlement the run is over here
      processedAtStart.push(h.events.of('message.processed').length);
      expect(await run.done).toEqual({ acked: 1, retried: 0, deadLettered: 0, interrupted: false });
    }
    expect(h.events.of('message.processed')).toHaveLength(3);
    expect(processedAtStart.slice(1)).toEqual([2, 3]);
  });

  it('awaits every call of a thenable that is not a native promise, for its own answer', async () => {
    const h = harness();
    const { ClaimRun } = await import('../../src/runtime/claim-run.js');
    let current = '';
    // One object for every call, answering about the claim at hand: taking it as settled for good would be wrong.
    const shared = { then: (resolve: (value: { lost: string[] }) => void) => resolve({ lost: [current] }) };
    const receiver = {
      ...h.receiver,
      settle: (claim: Parameters<typeof h.receiver.settle>[0]) => {
        current = claim.messages[0]!.id;
        return shared as unknown as Promise<void>;
      },
    };
    await h.publish(2);
    for (let i = 0; i < 2; i++) {
      const run = new ClaimRun(h.deps(() => undefined, {}, { receiver }), await h.claim(1));
      run.start();
      // Told that its own message was lost: nothing acked, and the run counts as interrupted.
      expect(await run.done).toEqual({ acked: 0, retried: 0, deadLettered: 0, interrupted: true });
    }
    expect(h.events.of('message.processed')).toHaveLength(0);
  });
});

describe('ClaimRun: Claim.signal', () => {
  it('aborts the processor with a LeaseLostError and emits lease.lost at once when the provider ends the claim', async () => {
    const h = harness();
    let reason: unknown;
    const run = await h.run(async (_m, ctx) => void (reason = await aborted(ctx.signal)), { timeoutMs: 10_000 });
    await sleep(10);
    const before = performance.now();
    h.backend.endClaims(new Error('shard stolen'));
    await run.done;
    expect(performance.now() - before).toBeLessThan(50);
    expect(isMqkitError(reason, ErrorCode.LeaseLost)).toBe(true);
    expect((reason as Error).message).toContain('shard stolen');
    expect(h.events.of('lease.lost')).toHaveLength(1);
    expect(h.backend.log.count('settle')).toBe(0);
  });
});

describe('ClaimRun: plans for providers without per-message settlement', () => {
  it('acks the leading run, fails the first failure and releases the rest', async () => {
    const h = harness();
    await h.publish(4);
    const claim = await h.claim();
    const { ClaimRun } = await import('../../src/runtime/claim-run.js');
    const { ack, retry } = await import('../../src/contracts/outcome.js');
    const settled: unknown[] = [];
    const receiver = {
      ...h.receiver,
      settle: (c: Parameters<typeof h.receiver.settle>[0], s: Parameters<typeof h.receiver.settle>[1]) => {
        settled.push(s);
        return h.receiver.settle(c, s);
      },
    };
    const run = new ClaimRun(h.deps(() => [ack(), retry(new Error('no')), ack(), ack()], {}, { receiver, perMessageSettle: false }), claim);
    run.start();
    expect(await run.done).toEqual({ acked: 1, retried: 1, deadLettered: 0, interrupted: false });
    const s = settled[0] as ReturnType<typeof ackAll> & { release: { id: string }[]; retry: { message: { id: string } }[] };
    expect(s.ack.map((m) => m.id)).toEqual([claim.messages[0]!.id]);
    expect(s.retry.map((r) => r.message.id)).toEqual([claim.messages[1]!.id]);
    expect(s.release.map((m) => m.id)).toEqual([claim.messages[2]!.id, claim.messages[3]!.id]);
  });
});

describe('ClaimRun: scripted faults combine', () => {
  it('a slow renewal then a fenced one: the run ends lost, after one renewal that worked', async () => {
    const h = harness({ script: scripts(on('renew', fault.delay(20), { count: 1 }), on('renew', fault.leaseLost(), { from: 2 })), leaseMs: 150 });
    const run = await h.run(() => sleep(1_000), { timeoutMs: 10_000 });
    expect((await run.done).interrupted).toBe(true);
    expect(h.events.of('lease.renewed')).toHaveLength(1);
    expect(h.events.of('lease.lost')).toHaveLength(1);
    await run.finished;
  });
});
