import assert from 'node:assert/strict';
import { ErrorCode, isMqkitError, type Queue } from '@mqkit/core';
import { fault, on, scripts } from '../difficult/faults.js';
import { Deliveries, collectEvents, deferred, delay, nextEvent, uniqueQueueName, until, within } from '../helpers/index.js';
import type { CaseContext, ConformanceCase } from '../types.js';
import { fastRetry, longLease, patience } from './common.js';

/** Resolves with `signal.reason` when it aborts. */
function abortReason(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => (signal.aborted ? resolve(signal.reason) : signal.addEventListener('abort', () => resolve(signal.reason), { once: true })));
}

/** Waits until the message is processed (acked) by `queue`. */
function processedBy(queue: Queue, id: string, ctx: CaseContext, extraMs = 0): Promise<unknown> {
  return nextEvent(queue.lifecycle, 'message.processed', (e) => e.messages.some((m) => m.id === id), patience(ctx) + extraMs);
}

/*
 * Every provider meets the cases below through the suite's difficult() wrapper: its calls answer
 * late, fail for a moment, hang, are fenced, or come from a backend on another clock. They check
 * that core's runtime and the provider together keep the promises of the SPI whatever the backend
 * does — the paths an instant, never-failing backend hides.
 */
export const difficultBackendCases: ConformanceCase[] = [
  {
    name: 'a renewal that fails for a moment is retried with backoff, and the long batch is still acked once, by its first process',
    requires: ['leaseExtension', 'concurrentConsumers'],
    async run(ctx) {
      const leaseMs = ctx.ms(150);
      const name = uniqueQueueName('renew-blip');
      const worker = await ctx.world.createQueue(undefined, { faults: { script: on('renew', fault.fail(), { count: 2 }) } });
      const rival = await ctx.world.createQueue();
      const log = collectEvents(worker.lifecycle);
      const { ids } = await worker.publish(name, { payload: 'long' });
      const id = ids[0]!;
      const processed = processedBy(worker, id, ctx, leaseMs * 4);
      const seen = new Deliveries();
      worker.consume(name, seen.processor(() => delay(leaseMs * 3)), { leaseMs, timeoutMs: ctx.ms(10_000) });
      // The rival starts once the worker holds the message (on a real backend either could claim first).
      await until(() => seen.count(id) === 1, patience(ctx), 'the first process holds the message');
      const rivalSeen = new Deliveries();
      rival.consume(name, rivalSeen.processor(), { leaseMs });
      await processed;
      const errors = log.of('consumer.error').filter((e) => e.operation === 'renew');
      assert.equal(errors.length, 2, 'each failed renewal is reported');
      assert.ok(errors.every((e) => typeof e.retryInMs === 'number' && e.retryInMs > 0), 'with when the next try is');
      assert.ok(log.of('lease.renewed').length >= 1, 'a later renewal worked');
      assert.equal(log.of('lease.lost').length, 0);
      assert.equal(rivalSeen.count(id), 0, 'no other process got the message meanwhile');
      assert.equal(seen.count(id), 1);
    },
  },
  {
    name: 'a renewal that keeps failing is retried with backoff, not in a hot loop, and once the lease ran out by the consumer\'s clock the processor is aborted with LeaseLostError and the message comes back',
    requires: ['leaseExtension', 'crashRecovery'],
    async run(ctx) {
      const leaseMs = ctx.ms(150);
      const name = uniqueQueueName('renew-down');
      const queue = await ctx.world.createQueue(undefined, { faults: { script: on('renew', fault.fail()) } });
      const d = ctx.world.difficulty(queue);
      const log = collectEvents(queue.lifecycle);
      const { ids } = await queue.publish(name, { payload: 'long' });
      const id = ids[0]!;
      let reason: unknown;
      const lost = nextEvent(queue.lifecycle, 'lease.lost', undefined, leaseMs + patience(ctx));
      const seen = new Deliveries();
      queue.consume(
        name,
        seen.processor(async (_m, c) => {
          if (seen.count(id) === 1) reason = await abortReason(c.signal);
        }),
        { leaseMs, timeoutMs: ctx.ms(10_000), retry: fastRetry(ctx) },
      );
      await lost;
      await until(() => reason !== undefined, patience(ctx), 'the processor sees its signal abort');
      const renewals = d.log.count('renew');
      assert.ok(isMqkitError(reason, ErrorCode.LeaseLost), `ctx.signal aborted with a LeaseLostError (got ${String(reason)})`);
      assert.ok(renewals >= 2 && renewals <= 10, `renewals tried with backoff within one lease: ${renewals} (a hot loop makes hundreds)`);
      d.script = undefined;
      await until(() => seen.count(id) >= 2, leaseMs + patience(ctx), 'the message is delivered again once the backend lease expired');
      assert.equal(seen.of(id)[1]!.message.attempt, 2, 'the abandoned delivery counted');
      assert.ok(log.of('consumer.error').filter((e) => e.operation === 'renew').length >= renewals - 1);
    },
  },
  {
    name: 'a renewal that hangs does not disable the deadline: the processor still times out',
    requires: ['leaseExtension'],
    async run(ctx) {
      const leaseMs = ctx.ms(600);
      const timeoutMs = ctx.ms(300);
      const name = uniqueQueueName('renew-hang');
      const queue = await ctx.world.createQueue(undefined, { faults: { script: on('renew', fault.hang()) } });
      const d = ctx.world.difficulty(queue);
      await queue.publish(name, { payload: 'slow' });
      let reason: unknown;
      const timedOut = nextEvent(queue.lifecycle, 'processor.timeout', undefined, patience(ctx));
      queue.consume(
        name,
        async (_m, c) => {
          reason = await abortReason(c.signal);
        },
        { leaseMs, timeoutMs, retry: fastRetry(ctx) },
      );
      await timedOut;
      assert.equal(d.log.pending('renew'), 1, 'the renewal (sent a third of the lease in) still hangs');
      assert.ok(isMqkitError(reason, ErrorCode.Timeout), `ctx.signal aborted with a TimeoutError (got ${String(reason)})`);
      d.release();
    },
  },
  {
    name: 'renew and settle of one claim are never in flight at the same time, also when renewals are slow',
    requires: ['leaseExtension'],
    async run(ctx) {
      const leaseMs = ctx.ms(90);
      const name = uniqueQueueName('no-overlap');
      const queue = await ctx.world.createQueue(undefined, { faults: { script: on('renew', fault.delay(ctx.ms(25))) } });
      const d = ctx.world.difficulty(queue);
      const { ids } = await queue.publish(name, Array.from({ length: 12 }, (_, i) => ({ payload: i })));
      const seen = new Deliveries();
      // Processors end around the renewal times (every 30 ms), so settlements meet renewals in flight.
      queue.consume(name, seen.processor(([m]) => delay(ctx.ms(25 + ((m!.payload as number) % 4) * 10))), { concurrency: 4, leaseMs, timeoutMs: ctx.ms(10_000) });
      await until(() => ids.every((id) => seen.count(id) >= 1), patience(ctx), 'all processed');
      await until(() => d.log.pending('settle') === 0 && d.log.pending('renew') === 0, patience(ctx), 'calls answered');
      assert.deepEqual(d.log.overlaps, [], 'a renew and a settle of one claim overlapped');
      assert.ok(d.log.count('renew') >= 3, `renewals happened (${d.log.count('renew')})`);
      for (const id of ids) assert.equal(seen.count(id), 1, 'each message processed once');
    },
  },
  {
    name: 'a backend clock 5 s ahead of or behind the consumer changes nothing: renewals come every third of the lease and no other process gets the message',
    requires: ['leaseExtension', 'concurrentConsumers'],
    async run(ctx) {
      const leaseMs = ctx.ms(150);
      for (const skewMs of [5_000, -5_000]) {
        const name = uniqueQueueName('skew');
        const worker = await ctx.world.createQueue(undefined, { faults: { skewMs } });
        const rival = await ctx.world.createQueue();
        const d = ctx.world.difficulty(worker);
        const { ids } = await worker.publish(name, { payload: 'long' });
        const id = ids[0]!;
        const processed = processedBy(worker, id, ctx, leaseMs * 4);
        const seen = new Deliveries();
        let reported = 0;
        worker.consume(
          name,
          seen.processor(async (_m, c) => {
            reported = c.leaseExpiresAt;
            await delay(leaseMs * 3);
          }),
          { leaseMs, timeoutMs: ctx.ms(10_000) },
        );
        await until(() => seen.count(id) === 1, patience(ctx), 'the first process holds the message');
        const rivalSeen = new Deliveries();
        rival.consume(name, rivalSeen.processor(), { leaseMs });
        await processed;
        const renewals = d.log.count('renew');
        assert.ok(renewals >= 4 && renewals <= 12, `skew ${skewMs}: ${renewals} renewals over three leases (every third of the lease is 9)`);
        assert.ok(Math.abs(reported - Date.now() - skewMs) < 1_000, `ctx.leaseExpiresAt is the backend's view (skew ${skewMs})`);
        assert.equal(rivalSeen.count(id), 0, `skew ${skewMs}: no other process got the message`);
        assert.equal(seen.count(id), 1);
      }
    },
  },
  {
    name: 'a settlement that fails for a moment is retried while the lease lasts: the batch is acked once and not delivered again',
    async run(ctx) {
      const leaseMs = ctx.ms(1_000);
      const name = uniqueQueueName('settle-blip');
      const queue = await ctx.world.createQueue(undefined, { faults: { script: on('settle', fault.fail(), { count: 2 }) } });
      const log = collectEvents(queue.lifecycle);
      const { ids } = await queue.publish(name, [{ payload: 1 }, { payload: 2 }]);
      const seen = new Deliveries();
      queue.consume(name, seen.processor(), { batchSize: 2, leaseMs });
      await until(() => log.of('message.processed').length >= 1, patience(ctx), 'the batch is acked');
      const errors = log.of('consumer.error').filter((e) => e.operation === 'settle');
      assert.equal(errors.length, 2);
      assert.ok(errors.every((e) => typeof e.retryInMs === 'number'), 'each failure says when the next try is');
      await delay(leaseMs + ctx.ms(100)); // prove a negative: nothing comes back after the lease
      for (const id of ids) assert.equal(seen.count(id), 1, 'not redelivered');
      const stats = await queue.stats(name);
      if (stats.inFlight !== null) assert.equal(stats.inFlight, 0);
      if (stats.ready !== null) assert.equal(stats.ready, 0);
    },
  },
  {
    name: 'a settle that reaches the backend after the lease ran out and another process took the message is fenced: it changes nothing',
    requires: ['crashRecovery', 'concurrentConsumers', 'pull'],
    async run(ctx) {
      const leaseMs = ctx.ms(150);
      const name = uniqueQueueName('stale-settle');
      // The stale process's ack hangs (a slow network) until the other process has taken and
      // acked the message; then it reaches the backend.
      const stale = await ctx.world.createQueue(undefined, { faults: { script: on('settle', fault.hang()) } });
      const other = await ctx.world.createQueue();
      const d = ctx.world.difficulty(stale);
      const staleLog = collectEvents(stale.lifecycle);
      const { ids } = await stale.publish(name, { payload: 'contested' });
      const id = ids[0]!;
      const seenA = new Deliveries();
      // One pull, so the stale process takes the message once and never again.
      const pulling = stale.pull(name, seenA.processor(), { leaseMs });
      await until(() => seenA.count(id) === 1 && d.log.pending('settle') === 1, patience(ctx), 'the ack is on its way, slowly');
      const seenB = new Deliveries();
      const processedByB = processedBy(other, id, ctx, leaseMs);
      other.consume(name, seenB.processor(), { leaseMs });
      await processedByB;
      assert.equal(seenB.of(id)[0]!.message.attempt, 2, 'the other process got it as a redelivery');
      assert.equal((await pulling).interrupted, true, 'the stale pull gave its ack up when its lease ran out');
      d.release(); // the stale ack reaches the backend now
      await until(() => d.log.pending('settle') === 0, patience(ctx), 'the stale settle reached the backend');
      assert.equal(d.log.of('settle')[0]!.outcome, 'failed', 'the backend refused the stale settle');
      assert.equal(staleLog.of('message.processed').length, 0, 'the stale process reports nothing processed');
      await delay(leaseMs + ctx.ms(50)); // prove a negative: the stale settle changed nothing
      assert.equal(seenB.count(id), 1);
      assert.equal(seenA.count(id), 1);
      const stats = await other.stats(name);
      if (stats.inFlight !== null) assert.equal(stats.inFlight, 0, 'in-flight count not corrupted by the stale settle');
      if (stats.ready !== null) assert.equal(stats.ready, 0);
    },
  },
  {
    name: 'close() finishes when the backend hangs: every call hangs, close resolves, consumers stop and publish is refused',
    timeoutMs: 20_000,
    async run(ctx) {
      const name = uniqueQueueName('hang-close');
      const queue = await ctx.world.createQueue();
      const d = ctx.world.difficulty(queue);
      await queue.publish(name, { payload: 'held' });
      const held = deferred();
      const seen = new Deliveries();
      const consumer = queue.consume(name, seen.processor(() => held.promise), { leaseMs: longLease(ctx) });
      const idle = queue.consume(uniqueQueueName('hang-close-idle'), () => undefined, { leaseMs: longLease(ctx) });
      await until(() => seen.all.length === 1, patience(ctx), 'a message is in flight');
      const everything = ['receive', 'settle', 'renew', 'receiver.close', 'close'] as const;
      d.script = scripts(...everything.map((op) => on(op, fault.hang())));
      const started = Date.now();
      // The deadline passes with the processor still holding; its release, the receivers' close
      // and the provider's close all hang: each is given up after core's grace (about a second).
      await within(queue.close({ timeoutMs: ctx.ms(100) }), ctx.ms(100) + 8_000, 'close() to finish against a hung backend');
      const took = Date.now() - started;
      assert.equal(consumer.state, 'stopped');
      assert.equal(idle.state, 'stopped');
      await assert.rejects(() => queue.publish(name, { payload: 1 }), (e: unknown) => isMqkitError(e, ErrorCode.Closed), 'publish after close');
      assert.ok(took < ctx.ms(100) + 8_000, `close took ${took} ms`);
      held.resolve();
      d.script = undefined;
      d.release();
    },
  },
  {
    name: 'a provider that ends a claim (Claim.signal) aborts its processor at once with a LeaseLostError and lease.lost',
    async run(ctx) {
      const name = uniqueQueueName('claim-ended');
      const queue = await ctx.world.createQueue();
      const d = ctx.world.difficulty(queue);
      await queue.publish(name, { payload: 'held' });
      let reason: unknown;
      const started = deferred();
      queue.consume(
        name,
        async (_m, c) => {
          started.resolve();
          reason = await abortReason(c.signal);
        },
        { leaseMs: longLease(ctx), timeoutMs: ctx.ms(60_000) },
      );
      await started.promise;
      const lost = nextEvent(queue.lifecycle, 'lease.lost', (e) => e.kind === 'claim', ctx.ms(1_000));
      d.endClaims(new Error('the shard was stolen'));
      await lost;
      assert.ok(isMqkitError(reason, ErrorCode.LeaseLost), `got ${String(reason)}`);
      assert.equal(d.log.count('settle'), 0, 'nothing is settled for an ended claim');
    },
  },
];
