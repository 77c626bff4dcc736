import { createQueue, PermanentError, type Queue } from '@mqkit/core';
import { memory } from '@mqkit/memory';
import { nextEvent, until } from '@mqkit/testkit';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { prometheusMetrics } from '../src/index.js';
import { scrape, seriesOf, valueOf } from './support.js';

const open: Queue[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((q) => q.close({ timeoutMs: 1000 })));
});

async function setup(options: { clock?: { now(): number } } = {}) {
  const registry = new Registry();
  const metrics = prometheusMetrics({ system: 'memory', registry, statsCacheMs: 0, ...options });
  const lifecycleErrors: unknown[] = [];
  const raw = await createQueue({ provider: memory(), lifecycle: [metrics], onLifecycleError: (error) => lifecycleErrors.push(error) });
  const queue = metrics.instrument(raw, { stats: ['q'] });
  open.push(queue);
  return { registry, metrics, queue, lifecycleErrors };
}

describe('on a real queue (memory provider)', () => {
  it('counts a workload end to end: acks, a retry that succeeds, a permanent failure', async () => {
    const { registry, queue } = await setup();
    const failedOnce = new Set<number>();
    queue.consume(
      'q',
      (messages) =>
        messages.map((m) => {
          const n = (m.payload as { n: number }).n;
          if (n === 7) return { kind: 'dead-letter', error: new PermanentError('bad') } as const;
          if (n === 3 && !failedOnce.has(n)) {
            failedOnce.add(n);
            return { kind: 'retry', error: new Error('flaky'), delayMs: 0 } as const;
          }
          return undefined;
        }),
      { batchSize: 4, concurrency: 2 },
    );
    await queue.publish('q', Array.from({ length: 10 }, (_, n) => ({ payload: { n } })));
    await until(async () => valueOf(await scrape(registry), 'mqkit_messages_settled_total', { outcome: 'ack' }) === 9, 5000, 'nine acks');
    const s = await scrape(registry);
    expect(valueOf(s, 'messaging_client_sent_messages_total', { messaging_operation_name: 'publish' })).toBe(10);
    expect(valueOf(s, 'messaging_client_consumed_messages_total', { messaging_operation_name: 'receive' })).toBe(11);
    expect(valueOf(s, 'mqkit_messages_settled_total', { outcome: 'retry' })).toBe(1);
    expect(valueOf(s, 'mqkit_dead_letters_total', { reason: 'explicit' })).toBe(1);
    expect(valueOf(s, 'mqkit_message_delivery_attempts_bucket', { le: 1 })).toBe(10);
    expect(valueOf(s, 'mqkit_consumers')).toBe(1);
    expect(valueOf(s, 'mqkit_consumer_slots')).toBe(2);
    expect(valueOf(s, 'mqkit_consumer_busy_slots')).toBe(0);
    expect(valueOf(s, 'mqkit_queue_messages', { state: 'dead_lettered' })).toBe(1);
    expect(valueOf(s, 'mqkit_queue_stats_up')).toBe(1);
  });

  it('a processor that ignores its signal past the deadline holds a slot, shown as overrunning until it returns', async () => {
    const { registry, queue } = await setup();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    queue.consume('q', () => held, { timeoutMs: 30, leaseMs: 1000 });
    const timedOut = nextEvent(queue.lifecycle, 'processor.timeout');
    await queue.publish('q', { payload: 1 });
    await timedOut;
    await until(async () => valueOf(await scrape(registry), 'mqkit_leases_held', { kind: 'claim' }) === 0, 5000, 'the timed-out batch settled');
    let s = await scrape(registry);
    expect(valueOf(s, 'mqkit_processor_overrunning')).toBe(1);
    expect(valueOf(s, 'mqkit_consumer_busy_slots')).toBe(1);
    const overrun = nextEvent(queue.lifecycle, 'processor.overrun');
    release();
    await overrun;
    s = await scrape(registry);
    expect(valueOf(s, 'mqkit_processor_overrunning')).toBe(0);
    expect(valueOf(s, 'mqkit_consumer_busy_slots')).toBe(0);
    expect(valueOf(s, 'mqkit_processor_timeouts_total')).toBe(1);
  });

  it('a failed publish is counted with its error type (through instrument()), a successful one without', async () => {
    const { registry, queue } = await setup();
    await queue.publish('q', [{ payload: 1 }, { payload: 2 }]);
    await expect(queue.publish('q', [{ payload: 1 }, { payload: 2, delayMs: -1 }])).rejects.toThrow();
    const s = await scrape(registry);
    expect(valueOf(s, 'messaging_client_sent_messages_total', { messaging_operation_name: 'publish' })).toBe(2);
    expect(valueOf(s, 'messaging_client_sent_messages_total', { messaging_operation_name: 'publish', error_type: 'MQKIT_VALIDATION' })).toBe(2);
    expect(valueOf(s, 'messaging_client_operation_duration_seconds_count', { messaging_operation_name: 'publish', messaging_operation_type: 'send', error_type: 'MQKIT_VALIDATION' })).toBe(1);
  });

  it('instrument() refuses a queue of another provider than the listener says', async () => {
    const metrics = prometheusMetrics({ system: 'kinesis' });
    const raw = await createQueue({ provider: memory(), lifecycle: [metrics] });
    open.push(raw);
    expect(() => metrics.instrument(raw)).toThrow(/system/);
  });

  it('label cardinality stays bounded under 10,000 distinct message ids', async () => {
    const { registry, queue } = await setup();
    const before = (await scrape(registry)).size;
    queue.consume('q', (messages) => messages.map((m, i) => (i % 3 === 0 ? ({ kind: 'retry', error: new Error(`failed ${m.id}`), delayMs: 0 } as const) : undefined)), {
      batchSize: 50,
      concurrency: 4,
      retry: { maxAttempts: 2 },
    });
    await queue.publish('q', Array.from({ length: 10_000 }, (_, n) => ({ id: `order-${n}`, payload: n })));
    await until(async () => (await queue.stats('q')).ready === 0 && (await queue.stats('q')).inFlight === 0 && (await queue.stats('q')).delayed === 0, 15_000, 'the queue drained');
    const s = await scrape(registry);
    expect(valueOf(s, 'messaging_client_consumed_messages_total', { messaging_operation_name: 'receive' })).toBeGreaterThanOrEqual(10_000);
    const keys = [...s.keys()];
    expect(keys.filter((k) => /order-\d/.test(k))).toEqual([]);
    // Only the failure error types were added (one series each), whatever the ids and messages.
    const added = keys.length - before;
    expect(added).toBeLessThanOrEqual(4);
    expect(seriesOf(s, 'mqkit_message_failures_total')).toEqual([expect.stringContaining('error_type="Error"')]);
  });

  it('a listener error never reaches the consumer or onLifecycleError: it is counted', async () => {
    const broken = { now: (): number => {
      throw new Error('clock broke');
    } };
    const { registry, queue, lifecycleErrors } = await setup({ clock: broken });
    const warned: Error[] = [];
    const onWarning = (w: Error): void => void warned.push(w);
    process.on('warning', onWarning);
    try {
      let processed = 0;
      queue.consume('q', (messages) => void (processed += messages.length));
      await queue.publish('q', Array.from({ length: 5 }, (_, n) => ({ payload: n })));
      await until(() => processed === 5, 5000, 'five processed');
      await until(async () => (valueOf(await scrape(registry), 'mqkit_leases_released_total', { kind: 'claim' }) ?? 0) >= 1, 5000, 'a settlement');
      const s = await scrape(registry);
      // publish and settle durations read the clock: each of those handlers failed and was counted.
      expect(s.get('mqkit_listener_errors_total{listener="prometheus"}')).toBeGreaterThanOrEqual(2);
      expect(lifecycleErrors).toEqual([]);
      expect(valueOf(s, 'messaging_client_consumed_messages_total', { messaging_operation_name: 'receive' })).toBe(5);
      await until(() => warned.some((w) => (w as { code?: string }).code === 'MQKIT_PROMETHEUS_LISTENER_FAILED'), 2000, 'one process warning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('lifecycleErrorHandler() counts other listeners’ failures by name and passes them on', async () => {
    const registry = new Registry();
    const metrics = prometheusMetrics({ system: 'memory', registry });
    const passed: string[] = [];
    const raw = await createQueue({
      provider: memory(),
      lifecycle: [metrics, { name: 'audit', 'message.published': () => { throw new Error('audit down'); } }],
      onLifecycleError: metrics.lifecycleErrorHandler((_error, info) => passed.push(info.listener)),
    });
    open.push(raw);
    await raw.publish('q', { payload: 1 });
    await raw.publish('q', { payload: 2 });
    const s = await scrape(registry);
    expect(s.get('mqkit_listener_errors_total{listener="audit"}')).toBe(2);
    expect(passed).toEqual(['audit', 'audit']);
  });
});
