import type { LifecycleEventName, Queue, QueueStats } from '@mqkit/core';
import { Registry } from 'prom-client';
import { prometheusMetrics } from '../../src/index.js';
import { message, T0 } from '../support.js';

/**
 * A fixed run that gives every family at least one series, on a fixed clock: the golden
 * exposition (test/golden/metrics.prom) is its scrape. Regenerate with UPDATE_GOLDEN=1.
 */
export async function goldenExposition(): Promise<string> {
  const registry = new Registry();
  const clock = { now: () => T0 + 100 };
  const metrics = prometheusMetrics({ system: 'kinesis', registry, clock, queues: ['orders'], statsCacheMs: 0 });
  const stats: QueueStats = { queue: 'orders', ready: 10, delayed: 2, inFlight: 4, deadLettered: 1, lagMs: 1500 };
  const queue = {
    provider: 'kinesis',
    stats: async () => stats,
    publish: async () => {
      throw Object.assign(new Error('throughput exceeded'), { name: 'ProvisionedThroughputExceededException' });
    },
  } as unknown as Queue;
  const wrapped = metrics.instrument(queue, { stats: ['orders'] });
  await wrapped.publish('orders', [{ payload: 1 }]).catch(() => undefined);

  const e = (name: LifecycleEventName, event: unknown): void => (metrics[name as keyof typeof metrics] as (e: unknown) => void)(event);
  const lease = (kind: 'claim' | 'shard', resource: string, at = T0) => ({ queue: 'orders', kind, resource, owner: 'w1', token: 't', at });
  const [a, b] = [message({ queue: 'orders', runAt: T0 - 50 }), message({ queue: 'orders', attempt: 2, runAt: T0 - 5 })];

  e('consumer.started', { queue: 'orders', consumerId: 'w1', concurrency: 4, batchSize: 10, at: T0 });
  e('message.published', { queue: 'orders', messages: [{ ...a, explicitId: false }], duplicates: 1, transactional: false, at: T0 });
  e('lease.acquired', lease('claim', 'b1'));
  e('message.received', { queue: 'orders', consumerId: 'w1', messages: [a, b], at: T0 });
  e('lease.renewed', lease('claim', 'b1', T0 + 10));
  e('processor.timeout', { queue: 'orders', consumerId: 'w1', messages: [a, b], timeoutMs: 30, at: T0 + 30 });
  e('processor.overrun', { queue: 'orders', consumerId: 'w1', messages: [a, b], overrunMs: 20, at: T0 + 50 });
  e('lease.released', lease('claim', 'b1', T0 + 60));
  e('message.processed', { queue: 'orders', consumerId: 'w1', messages: [a], durationMs: 60, at: T0 + 60 });
  e('message.failed', { queue: 'orders', consumerId: 'w1', message: b, error: Object.assign(new Error('x'), { code: 'MQKIT_TIMEOUT' }), willRetry: true, at: T0 + 60 });
  e('lease.acquired', lease('claim', 'b2'));
  e('message.received', { queue: 'orders', consumerId: 'w1', messages: [b], at: T0 });
  e('lease.released', lease('claim', 'b2', T0 + 90));
  e('message.failed', { queue: 'orders', consumerId: 'w1', message: b, error: new TypeError('y'), willRetry: false, at: T0 + 90 });
  e('message.dead-lettered', { queue: 'orders', message: b, reason: 'max-attempts', error: { name: 'TypeError', message: 'y' }, at: T0 + 90 });
  e('message.expired', { queue: 'orders', message: message({ queue: 'orders' }), at: T0 });
  e('message.replayed', { queue: 'orders', count: 1, at: T0 });
  e('consumer.error', { queue: 'orders', consumerId: 'w1', error: Object.assign(new Error('z'), { code: 'ECONNRESET' }), operation: 'renew', retryInMs: 25, at: T0 });
  e('lease.acquired', lease('shard', 'shardId-000000000000'));
  e('lease.stolen', { ...lease('shard', 'shardId-000000000001'), previousOwner: 'w2' });
  e('lease.renewed', lease('shard', 'shardId-000000000000'));
  e('lease.lost', lease('shard', 'shardId-000000000001'));
  e('lease.acquired', lease('shard', 'shardId-000000000002'));
  e('lease.released', lease('shard', 'shardId-000000000002'));
  e('checkpoint', { queue: 'orders', shardId: 'shardId-000000000000', sequenceNumber: '1', consumerId: 'w1', at: T0 });
  e('rebalance', { queue: 'orders', consumerId: 'w1', workers: 2, owned: ['shardId-000000000000'], at: T0 });
  e('poison-pill', { queue: 'orders', message: b, attempts: 5, shardId: 'shardId-000000000000', at: T0 });
  e('heartbeat.failed', { queue: 'orders', consumerId: 'w1', error: Object.assign(new Error('h'), { code: 'ETIMEDOUT' }), at: T0 });
  e('throttled', { queue: 'orders', operation: 'GetRecords', delayMs: 200, shardId: 'shardId-000000000000', at: T0 });
  e('lag', { queue: 'orders', shardId: 'shardId-000000000000', ms: 2500, messages: 40, at: T0 });
  e('lag', { queue: 'orders', shardId: undefined, ms: 1000, messages: 3, at: T0 });
  metrics.lifecycleErrorHandler()(new Error('audit down'), { event: 'message.published', listener: 'audit' });

  // Scrape-time families of a queue whose stats() fails.
  const failing = { provider: 'kinesis', stats: async () => Promise.reject(Object.assign(new Error('gone'), { code: 'ECONNREFUSED' })) } as unknown as Queue;
  metrics.instrument(failing, { stats: ['emails'] });

  const text = await registry.metrics();
  // The one value that is measured, not scripted: how long stats() took.
  return text.replace(/^(mqkit_queue_stats_duration_seconds\{[^}]*\}) .*$/gm, '$1 0.001');
}
