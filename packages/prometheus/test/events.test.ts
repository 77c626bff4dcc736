import type { LifecycleEventName, NewMessage } from '@mqkit/core';
import { describe, expect, it } from 'vitest';
import { harness, message, T0, valueOf } from './support.js';

const published = (): NewMessage => ({
  id: 'm',
  explicitId: false,
  queue: 'q',
  type: 'default',
  payload: {},
  createdAt: T0,
  runAt: T0,
  expiresAt: undefined,
  maxAttempts: undefined,
  partitionKey: undefined,
  dedupeKey: undefined,
  headers: {},
});

const claim = (resource: string, at = T0) => ({ queue: 'q', kind: 'claim' as const, resource, owner: 'c1', token: 't', at });
const shard = (resource: string, owner = 'w1', at = T0) => ({ queue: 'q', kind: 'shard' as const, resource, owner, token: 't', at });

/**
 * Every lifecycle event, and which events the listener handles. `satisfies Record<…>` makes this
 * fail to compile when core adds an event, so a new event cannot go unmetered unnoticed.
 */
const HANDLED = {
  'message.published': true,
  'message.received': true,
  'message.processed': true,
  'message.failed': true,
  'message.retried': false, // counted from message.failed (willRetry), emitted together with it
  'message.dead-lettered': true,
  'message.expired': true,
  'message.replayed': true,
  'processor.timeout': true,
  'processor.overrun': true,
  'consumer.started': true,
  'consumer.stopped': true,
  'consumer.error': true,
  'lease.acquired': true,
  'lease.renewed': true,
  'lease.lost': true,
  'lease.stolen': true,
  'lease.released': true,
  checkpoint: true,
  rebalance: true,
  'poison-pill': true,
  'heartbeat.failed': true,
  throttled: true,
  lag: true,
} as const satisfies Record<LifecycleEventName, boolean>;

describe('every lifecycle event moves its series', () => {
  it('handles exactly the events it documents', () => {
    const { metrics } = harness();
    for (const [name, handled] of Object.entries(HANDLED)) {
      expect(typeof (metrics as unknown as Record<string, unknown>)[name], name).toBe(handled ? 'function' : 'undefined');
    }
  });

  it('message.published counts sent messages, suppressed duplicates and the publish duration', async () => {
    const h = harness({ clock: { now: () => T0 + 40 } });
    h.lifecycle.emit('message.published', { queue: 'q', messages: [published(), published(), published()], duplicates: 2, transactional: false, at: T0 });
    const s = await h.scrape();
    expect(valueOf(s, 'messaging_client_sent_messages_total', { messaging_operation_name: 'publish' })).toBe(3);
    expect(valueOf(s, 'mqkit_messages_deduplicated_total')).toBe(2);
    const op = { messaging_operation_name: 'publish', messaging_operation_type: 'send' };
    expect(valueOf(s, 'messaging_client_operation_duration_seconds_count', op)).toBe(1);
    expect(valueOf(s, 'messaging_client_operation_duration_seconds_sum', op)).toBeCloseTo(0.04);
    expect(valueOf(s, 'messaging_client_operation_duration_seconds_bucket', { ...op, le: 0.025 })).toBe(0);
    expect(valueOf(s, 'messaging_client_operation_duration_seconds_bucket', { ...op, le: 0.05 })).toBe(1);
  });

  it('message.received counts consumed messages, their wait since due and their attempt', async () => {
    const h = harness();
    const messages = [message({ runAt: T0 - 2000, attempt: 1 }), message({ runAt: T0 - 20, attempt: 3 }), message({ runAt: T0 + 500, attempt: 1 })];
    h.lifecycle.emit('message.received', { queue: 'q', consumerId: 'c1', messages, at: T0 });
    const s = await h.scrape();
    expect(valueOf(s, 'messaging_client_consumed_messages_total', { messaging_operation_name: 'receive' })).toBe(3);
    expect(valueOf(s, 'mqkit_message_wait_duration_seconds_count')).toBe(3);
    expect(valueOf(s, 'mqkit_message_wait_duration_seconds_sum')).toBeCloseTo(2.02); // a runAt in the future waits 0
    expect(valueOf(s, 'mqkit_message_wait_duration_seconds_bucket', { le: 0.025 })).toBe(2);
    expect(valueOf(s, 'mqkit_message_wait_duration_seconds_bucket', { le: 2.5 })).toBe(3);
    expect(valueOf(s, 'mqkit_message_delivery_attempts_bucket', { le: 1 })).toBe(2);
    expect(valueOf(s, 'mqkit_message_delivery_attempts_bucket', { le: 3 })).toBe(3);
    expect(valueOf(s, 'mqkit_message_delivery_attempts_sum')).toBe(5);
  });

  it('a batch: lease.acquired → busy slot and held claim; lease.released → settle duration; message.processed → acks and process duration', async () => {
    const h = harness({ clock: { now: () => T0 + 130 } });
    const messages = [message(), message()];
    h.lifecycle.emit('lease.acquired', claim('b1'));
    h.lifecycle.emit('message.received', { queue: 'q', consumerId: 'c1', messages, at: T0 });
    let s = await h.scrape();
    expect(valueOf(s, 'mqkit_consumer_busy_slots')).toBe(1);
    expect(valueOf(s, 'mqkit_leases_held', { kind: 'claim' })).toBe(1);
    expect(valueOf(s, 'mqkit_leases_acquired_total', { kind: 'claim' })).toBe(1);
    h.lifecycle.emit('lease.renewed', claim('b1', T0 + 50));
    h.lifecycle.emit('lease.released', claim('b1', T0 + 120));
    h.lifecycle.emit('message.processed', { queue: 'q', consumerId: 'c1', messages, durationMs: 120, at: T0 + 120 });
    s = await h.scrape();
    expect(valueOf(s, 'mqkit_consumer_busy_slots')).toBe(0);
    expect(valueOf(s, 'mqkit_leases_held', { kind: 'claim' })).toBe(0);
    expect(valueOf(s, 'mqkit_leases_renewed_total', { kind: 'claim' })).toBe(1);
    expect(valueOf(s, 'mqkit_leases_released_total', { kind: 'claim' })).toBe(1);
    expect(valueOf(s, 'mqkit_messages_settled_total', { outcome: 'ack' })).toBe(2);
    const process = { messaging_operation_name: 'process' };
    expect(valueOf(s, 'messaging_process_duration_seconds_count', process)).toBe(1);
    expect(valueOf(s, 'messaging_process_duration_seconds_sum', process)).toBeCloseTo(0.12);
    const settle = { messaging_operation_name: 'settle', messaging_operation_type: 'settle' };
    expect(valueOf(s, 'messaging_client_operation_duration_seconds_sum', settle)).toBeCloseTo(0.01);
  });

  it('message.failed counts failures by error type and retries; a batch without acks has its duration under error_type', async () => {
    const h = harness();
    const [a, b] = [message(), message({ attempt: 5 })];
    h.lifecycle.emit('lease.acquired', claim('b1'));
    h.lifecycle.emit('message.received', { queue: 'q', consumerId: 'c1', messages: [a, b], at: T0 });
    h.lifecycle.emit('lease.released', claim('b1', T0 + 300));
    const timeout = Object.assign(new Error('late'), { name: 'TimeoutError', code: 'MQKIT_TIMEOUT' });
    h.lifecycle.emit('message.failed', { queue: 'q', consumerId: 'c1', message: a, error: timeout, willRetry: true, at: T0 + 300 });
    h.lifecycle.emit('message.retried', { queue: 'q', message: a, delayMs: 1000, at: T0 + 300 });
    h.lifecycle.emit('message.failed', { queue: 'q', consumerId: 'c1', message: b, error: new TypeError('x of undefined'), willRetry: false, at: T0 + 300 });
    h.lifecycle.emit('message.dead-lettered', { queue: 'q', message: b, reason: 'max-attempts', error: { name: 'TypeError', message: 'x' }, at: T0 + 300 });
    const s = await h.scrape();
    expect(valueOf(s, 'mqkit_message_failures_total', { error_type: 'MQKIT_TIMEOUT' })).toBe(1);
    expect(valueOf(s, 'mqkit_message_failures_total', { error_type: 'TypeError' })).toBe(1);
    expect(valueOf(s, 'mqkit_messages_settled_total', { outcome: 'retry' })).toBe(1);
    expect(valueOf(s, 'mqkit_messages_settled_total', { outcome: 'dead_letter' })).toBe(1);
    expect(valueOf(s, 'mqkit_dead_letters_total', { reason: 'max-attempts' })).toBe(1);
    // One observation for the batch, under the first failure's type; none without error_type.
    expect(valueOf(s, 'messaging_process_duration_seconds_count', { messaging_operation_name: 'process', error_type: 'MQKIT_TIMEOUT' })).toBe(1);
    expect(valueOf(s, 'messaging_process_duration_seconds_sum', { messaging_operation_name: 'process', error_type: 'MQKIT_TIMEOUT' })).toBeCloseTo(0.3);
    expect(valueOf(s, 'messaging_process_duration_seconds_count', { messaging_operation_name: 'process' })).toBe(0);
  });

  it('a batch with acks and failures is one successful process observation', async () => {
    const h = harness();
    const [a, b] = [message(), message()];
    h.lifecycle.emit('lease.acquired', claim('b1'));
    h.lifecycle.emit('message.received', { queue: 'q', consumerId: 'c1', messages: [a, b], at: T0 });
    h.lifecycle.emit('lease.released', claim('b1', T0 + 10));
    h.lifecycle.emit('message.processed', { queue: 'q', consumerId: 'c1', messages: [a], durationMs: 10, at: T0 + 10 });
    h.lifecycle.emit('message.failed', { queue: 'q', consumerId: 'c1', message: b, error: new Error('x'), willRetry: true, at: T0 + 10 });
    const s = await h.scrape();
    expect(valueOf(s, 'messaging_process_duration_seconds_count', { messaging_operation_name: 'process' })).toBe(1);
    expect(valueOf(s, 'messaging_process_duration_seconds_count', { messaging_operation_name: 'process', error_type: 'Error' })).toBeUndefined();
  });

  it('message.dead-lettered counts every reason (provider ones too); an explicit one ends its batch under error_type', async () => {
    const h = harness();
    const m = message();
    h.lifecycle.emit('lease.acquired', claim('b1'));
    h.lifecycle.emit('message.received', { queue: 'q', consumerId: 'c1', messages: [m], at: T0 });
    h.lifecycle.emit('lease.released', claim('b1', T0 + 5));
    h.lifecycle.emit('message.dead-lettered', { queue: 'q', message: m, reason: 'explicit', error: { name: 'PermanentError', message: 'no', code: 'MQKIT_PERMANENT' }, at: T0 + 5 });
    for (const reason of ['poison-pill', 'undecodable', 'permanent'] as const) {
      h.lifecycle.emit('message.dead-lettered', { queue: 'q', message: message(), reason, error: { name: 'Error', message: '' }, at: T0 + 9 });
    }
    const s = await h.scrape();
    expect(valueOf(s, 'mqkit_messages_settled_total', { outcome: 'dead_letter' })).toBe(4);
    for (const reason of ['explicit', 'poison-pill', 'undecodable', 'permanent']) expect(valueOf(s, 'mqkit_dead_letters_total', { reason }), reason).toBe(1);
    expect(valueOf(s, 'messaging_process_duration_seconds_count', { messaging_operation_name: 'process', error_type: 'MQKIT_PERMANENT' })).toBe(1);
  });

  it('message.expired and message.replayed', async () => {
    const h = harness();
    h.lifecycle.emit('message.expired', { queue: 'q', message: message(), at: T0 });
    h.lifecycle.emit('message.replayed', { queue: 'q', count: 7, at: T0 });
    const s = await h.scrape();
    expect(valueOf(s, 'mqkit_messages_settled_total', { outcome: 'expired' })).toBe(1);
    expect(valueOf(s, 'mqkit_messages_replayed_total')).toBe(7);
  });

  it('processor.timeout: the slot stays busy and counts as overrunning until processor.overrun, even after the settlement', async () => {
    const h = harness();
    const messages = [message()];
    h.lifecycle.emit('lease.acquired', claim('b1'));
    h.lifecycle.emit('message.received', { queue: 'q', consumerId: 'c1', messages, at: T0 });
    h.lifecycle.emit('processor.timeout', { queue: 'q', consumerId: 'c1', messages, timeoutMs: 100, at: T0 + 100 });
    h.lifecycle.emit('lease.released', claim('b1', T0 + 100));
    let s = await h.scrape();
    expect(valueOf(s, 'mqkit_processor_timeouts_total')).toBe(1);
    expect(valueOf(s, 'mqkit_processor_overrunning')).toBe(1);
    expect(valueOf(s, 'mqkit_consumer_busy_slots')).toBe(1);
    expect(valueOf(s, 'mqkit_leases_held', { kind: 'claim' })).toBe(0);
    h.lifecycle.emit('processor.overrun', { queue: 'q', consumerId: 'c1', messages, overrunMs: 2500, at: T0 + 2600 });
    s = await h.scrape();
    expect(valueOf(s, 'mqkit_processor_overrunning')).toBe(0);
    expect(valueOf(s, 'mqkit_consumer_busy_slots')).toBe(0);
    expect(valueOf(s, 'mqkit_processor_overrun_duration_seconds_count')).toBe(1);
    expect(valueOf(s, 'mqkit_processor_overrun_duration_seconds_sum')).toBe(2.5);
  });

  it('an ordered consumer: the overrun comes before the settlement; the slot frees at the settlement', async () => {
    const h = harness();
    const messages = [message()];
    h.lifecycle.emit('lease.acquired', claim('b1'));
    h.lifecycle.emit('message.received', { queue: 'q', consumerId: 'c1', messages, at: T0 });
    h.lifecycle.emit('processor.timeout', { queue: 'q', consumerId: 'c1', messages, timeoutMs: 100, at: T0 + 100 });
    h.lifecycle.emit('processor.overrun', { queue: 'q', consumerId: 'c1', messages, overrunMs: 50, at: T0 + 150 });
    let s = await h.scrape();
    expect(valueOf(s, 'mqkit_processor_overrunning')).toBe(0);
    expect(valueOf(s, 'mqkit_consumer_busy_slots')).toBe(1);
    h.lifecycle.emit('lease.released', claim('b1', T0 + 150));
    s = await h.scrape();
    expect(valueOf(s, 'mqkit_consumer_busy_slots')).toBe(0);
  });

  it('lease.lost of a claim frees its slot; a settle core gave up on (consumer.error, no retry) frees the oldest claim of that consumer', async () => {
    const h = harness();
    for (const id of ['b1', 'b2', 'b3']) {
      h.lifecycle.emit('lease.acquired', claim(id));
      h.lifecycle.emit('message.received', { queue: 'q', consumerId: 'c1', messages: [message()], at: T0 });
    }
    h.lifecycle.emit('lease.lost', claim('b2'));
    h.lifecycle.emit('lease.lost', claim('b2')); // a partial loss followed by a full one counts the slot once
    h.lifecycle.emit('consumer.error', { queue: 'q', consumerId: 'c1', error: new Error('db down'), operation: 'settle', retryInMs: undefined, at: T0 });
    const s = await h.scrape();
    expect(valueOf(s, 'mqkit_leases_lost_total', { kind: 'claim' })).toBe(2);
    expect(valueOf(s, 'mqkit_consumer_busy_slots')).toBe(1);
    expect(valueOf(s, 'mqkit_leases_held', { kind: 'claim' })).toBe(1);
    expect(valueOf(s, 'mqkit_consumer_errors_total', { operation: 'settle', error_type: 'Error', will_retry: 'false' })).toBe(1);
  });

  it('consumer.started / consumer.stopped: consumers, slots, stops by reason, abandoned batches; a stop frees its slots', async () => {
    const h = harness();
    h.lifecycle.emit('consumer.started', { queue: 'q', consumerId: 'c1', concurrency: 8, batchSize: 64, at: T0 });
    h.lifecycle.emit('consumer.started', { queue: 'q', consumerId: 'c2', concurrency: 2, batchSize: 1, at: T0 });
    h.lifecycle.emit('lease.acquired', claim('b1'));
    h.lifecycle.emit('message.received', { queue: 'q', consumerId: 'c1', messages: [message()], at: T0 });
    let s = await h.scrape();
    expect(valueOf(s, 'mqkit_consumers')).toBe(2);
    expect(valueOf(s, 'mqkit_consumer_slots')).toBe(10);
    expect(valueOf(s, 'mqkit_consumer_busy_slots')).toBe(1);
    h.lifecycle.emit('consumer.stopped', { queue: 'q', consumerId: 'c1', reason: 'close', abandoned: 1, at: T0 + 1 });
    s = await h.scrape();
    expect(valueOf(s, 'mqkit_consumers')).toBe(1);
    expect(valueOf(s, 'mqkit_consumer_slots')).toBe(2);
    expect(valueOf(s, 'mqkit_consumer_busy_slots')).toBe(0);
    expect(valueOf(s, 'mqkit_leases_held', { kind: 'claim' })).toBe(0);
    expect(valueOf(s, 'mqkit_consumer_stops_total', { reason: 'close' })).toBe(1);
    expect(valueOf(s, 'mqkit_consumer_stops_total', { reason: 'error' })).toBe(0);
    expect(valueOf(s, 'mqkit_consumer_abandoned_batches_total')).toBe(1);
  });

  it('consumer.error counts by operation, error type and whether core retries', async () => {
    const h = harness();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    h.lifecycle.emit('consumer.error', { queue: 'q', consumerId: 'c1', error: refused, operation: 'receive', retryInMs: 100, at: T0 });
    h.lifecycle.emit('consumer.error', { queue: 'q', consumerId: 'c1', error: refused, operation: 'renew', retryInMs: 25, at: T0 });
    h.lifecycle.emit('consumer.error', { queue: 'q', consumerId: 'c1', error: 'a string', operation: 'renew', retryInMs: 50, at: T0 });
    const s = await h.scrape();
    expect(valueOf(s, 'mqkit_consumer_errors_total', { operation: 'receive', error_type: 'ECONNREFUSED', will_retry: 'true' })).toBe(1);
    expect(valueOf(s, 'mqkit_consumer_errors_total', { operation: 'renew', error_type: 'ECONNREFUSED', will_retry: 'true' })).toBe(1);
    expect(valueOf(s, 'mqkit_consumer_errors_total', { operation: 'renew', error_type: '_OTHER', will_retry: 'true' })).toBe(1);
  });

  it('shard leases: held follows acquired / stolen / lost / released, per resource, and lag series go with the lease', async () => {
    const h = harness();
    h.lifecycle.emit('lease.acquired', shard('shardId-0'));
    h.lifecycle.emit('lease.stolen', { ...shard('shardId-1'), previousOwner: 'w2' });
    h.lifecycle.emit('lease.acquired', shard('shardId-1')); // a provider may raise both for one take
    h.lifecycle.emit('lease.renewed', shard('shardId-0'));
    h.lifecycle.emit('lag', { queue: 'q', shardId: 'shardId-0', ms: 4200, messages: 17, at: T0 });
    h.lifecycle.emit('lag', { queue: 'q', shardId: 'shardId-1', ms: 0, messages: undefined, at: T0 });
    let s = await h.scrape();
    expect(valueOf(s, 'mqkit_leases_held', { kind: 'shard' })).toBe(2);
    expect(valueOf(s, 'mqkit_leases_acquired_total', { kind: 'shard' })).toBe(2);
    expect(valueOf(s, 'mqkit_leases_stolen_total', { kind: 'shard' })).toBe(1);
    expect(valueOf(s, 'mqkit_leases_renewed_total', { kind: 'shard' })).toBe(1);
    expect(valueOf(s, 'mqkit_kinesis_lag_seconds', { shard: 'shardId-0' })).toBe(4.2);
    expect(valueOf(s, 'mqkit_kinesis_lag_records', { shard: 'shardId-0' })).toBe(17);
    expect(valueOf(s, 'mqkit_kinesis_lag_records', { shard: 'shardId-1' })).toBeUndefined();
    h.lifecycle.emit('lease.lost', shard('shardId-0'));
    h.lifecycle.emit('lease.released', shard('shardId-1'));
    s = await h.scrape();
    expect(valueOf(s, 'mqkit_leases_held', { kind: 'shard' })).toBe(0);
    expect(valueOf(s, 'mqkit_leases_lost_total', { kind: 'shard' })).toBe(1);
    expect(valueOf(s, 'mqkit_leases_released_total', { kind: 'shard' })).toBe(1);
    expect(valueOf(s, 'mqkit_kinesis_lag_seconds', { shard: 'shardId-0' })).toBeUndefined();
    expect(valueOf(s, 'mqkit_kinesis_lag_seconds', { shard: 'shardId-1' })).toBeUndefined();
  });

  it('lag without a shard is consumer lag, with no shard label', async () => {
    const h = harness();
    h.lifecycle.emit('lag', { queue: 'q', shardId: undefined, ms: 1500, messages: 30, at: T0 });
    const s = await h.scrape();
    expect(valueOf(s, 'mqkit_consumer_lag_seconds')).toBe(1.5);
    expect(valueOf(s, 'mqkit_consumer_lag_messages')).toBe(30);
  });

  it('checkpoint, rebalance, poison-pill, heartbeat.failed, throttled', async () => {
    const h = harness();
    h.lifecycle.emit('checkpoint', { queue: 'q', shardId: 's0', sequenceNumber: '4956', consumerId: 'w1', at: T0 });
    h.lifecycle.emit('rebalance', { queue: 'q', consumerId: 'w1', workers: 3, owned: ['s0', 's1'], at: T0 });
    h.lifecycle.emit('poison-pill', { queue: 'q', message: message(), attempts: 5, shardId: 's0', at: T0 });
    h.lifecycle.emit('heartbeat.failed', { queue: 'q', consumerId: 'w1', error: Object.assign(new Error('x'), { code: 'ETIMEDOUT' }), at: T0 });
    h.lifecycle.emit('throttled', { queue: 'q', operation: 'GetRecords', delayMs: 250, shardId: 's0', at: T0 });
    h.lifecycle.emit('throttled', { queue: 'q', operation: 'GetRecords', delayMs: 750, shardId: 's1', at: T0 });
    const s = await h.scrape();
    expect(valueOf(s, 'mqkit_checkpoints_total')).toBe(1);
    expect(valueOf(s, 'mqkit_rebalances_total')).toBe(1);
    expect(valueOf(s, 'mqkit_coordination_workers')).toBe(3);
    expect(valueOf(s, 'mqkit_coordination_owned_shards')).toBe(2);
    expect(valueOf(s, 'mqkit_poison_pills_total')).toBe(1);
    expect(valueOf(s, 'mqkit_heartbeat_failures_total', { error_type: 'ETIMEDOUT' })).toBe(1);
    expect(valueOf(s, 'mqkit_throttles_total', { operation: 'GetRecords' })).toBe(2);
    expect(valueOf(s, 'mqkit_throttled_seconds_total', { operation: 'GetRecords' })).toBe(1);
  });

  it('queues named in options exist at zero before any event; others appear with their first event', async () => {
    const h = harness({ queues: ['orders'] });
    let s = await h.scrape();
    expect(valueOf(s, 'messaging_client_consumed_messages_total', { messaging_operation_name: 'receive' }, 'orders')).toBe(0);
    expect(valueOf(s, 'mqkit_messages_settled_total', { outcome: 'dead_letter' }, 'orders')).toBe(0);
    expect(valueOf(s, 'mqkit_messages_settled_total', { outcome: 'ack' }, 'emails')).toBeUndefined();
    h.lifecycle.emit('message.replayed', { queue: 'emails', count: 1, at: T0 });
    s = await h.scrape();
    expect(valueOf(s, 'mqkit_messages_settled_total', { outcome: 'ack' }, 'emails')).toBe(0);
  });
});
