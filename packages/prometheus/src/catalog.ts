import type { FamilySpec } from './families/family.js';
import type { HistogramSpec } from './families/histogram.js';

/**
 * Every metric family this package exports: name, type, labels and help. The one place they are
 * defined; docs/metrics.md describes them and test/golden/metrics.prom is their exposition.
 *
 * Names follow OpenTelemetry's messaging semantic conventions in Prometheus form where one exists
 * (`messaging_*`), and `mqkit_*` for what OpenTelemetry leaves out. Every series carries
 * `messaging_system` (the provider) and `messaging_destination_name` (the queue). No label ever
 * holds an id (message, claim, consumer, token); `shard` appears on the Kinesis lag series only.
 */

/** The labels of every series. */
export const BASE_LABELS = ['messaging_system', 'messaging_destination_name'] as const;

const base = (name: string, help: string, extra: readonly string[] = [], aggregator?: FamilySpec['aggregator']): FamilySpec => ({
  name,
  help,
  labelNames: [...BASE_LABELS, ...extra],
  ...(aggregator ? { aggregator } : {}),
});

/** Seconds, from 1 ms to 10 min: processing, waiting, publishing, overruns. */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] as const;
/** Deliveries of one message (1 = first delivery). */
export const ATTEMPT_BUCKETS = [1, 2, 3, 4, 5, 7, 10, 15, 20, 50] as const;

const histogram = (spec: FamilySpec, buckets: readonly number[]): HistogramSpec => ({ ...spec, buckets });

export const COUNTERS = {
  sent: base('messaging_client_sent_messages_total', 'Messages a producer published (stored by the backend; dedupe-suppressed duplicates excluded). error_type is set on failed publishes (counted through instrument()).', [
    'messaging_operation_name',
    'error_type',
  ]),
  consumed: base('messaging_client_consumed_messages_total', 'Messages delivered to a processor (consume and pull), redeliveries included.', ['messaging_operation_name']),
  settled: base('mqkit_messages_settled_total', 'Messages by how they ended a delivery: ack, retry, dead_letter (any reason, provider dead letters included), expired (discarded before delivery).', ['outcome']),
  deadLetters: base('mqkit_dead_letters_total', 'Messages moved to the dead-letter store, by reason (permanent, max-attempts, explicit, poison-pill, undecodable).', ['reason']),
  failures: base('mqkit_message_failures_total', 'Failed deliveries (a retry or a permanent / max-attempts dead letter), by error type.', ['error_type']),
  deduplicated: base('mqkit_messages_deduplicated_total', 'Published messages suppressed because their dedupe key was held.'),
  replayed: base('mqkit_messages_replayed_total', 'Dead letters put back on the queue by deadLetters.replay.'),
  timeouts: base('mqkit_processor_timeouts_total', 'Batches whose processor ran past its deadline (timeoutMs).'),
  stops: base('mqkit_consumer_stops_total', 'Consumers that stopped, by reason (stop, close, signal, error).', ['reason']),
  abandoned: base('mqkit_consumer_abandoned_batches_total', 'Batches still running at a shutdown deadline, released for redelivery.'),
  consumerErrors: base('mqkit_consumer_errors_total', 'Provider calls that failed inside a consumer (receive, renew, settle, close, …); will_retry="false" when core gave up (the messages return after their lease).', [
    'operation',
    'error_type',
    'will_retry',
  ]),
  leasesAcquired: base('mqkit_leases_acquired_total', 'Leases taken: kind="claim" one per batch, kind="shard" one per shard lease (coordinated providers).', ['kind']),
  leasesRenewed: base('mqkit_leases_renewed_total', 'Lease renewals that succeeded.', ['kind']),
  leasesLost: base('mqkit_leases_lost_total', 'Leases lost: fenced by a newer owner, ran out, or ended by the provider.', ['kind']),
  leasesStolen: base('mqkit_leases_stolen_total', 'Leases this process took from another live owner (rebalancing).', ['kind']),
  leasesReleased: base('mqkit_leases_released_total', 'Leases given up (a settled batch, a shard handed off).', ['kind']),
  heartbeatFailures: base('mqkit_heartbeat_failures_total', 'Membership heartbeats that could not be written.', ['error_type']),
  checkpoints: base('mqkit_checkpoints_total', "Shard checkpoints saved."),
  rebalances: base('mqkit_rebalances_total', 'Shard assignment changes seen by this process.'),
  poisonPills: base('mqkit_poison_pills_total', 'Messages or records set aside because they kept failing or killing their consumer.'),
  throttles: base('mqkit_throttles_total', 'Backend calls throttled (the caller waits; not an error), by operation.', ['operation']),
  throttledSeconds: base('mqkit_throttled_seconds_total', 'Time callers were told to wait because of throttling, by operation.', ['operation']),
  statsErrors: base('mqkit_queue_stats_errors_total', 'queue.stats() calls at scrape time that failed or did not answer in time (error_type="timeout").', ['error_type']),
} as const satisfies Record<string, FamilySpec>;

export const LISTENER_ERRORS: FamilySpec = {
  name: 'mqkit_listener_errors_total',
  help: 'Lifecycle listener failures: listener="prometheus" is this package (its own errors never reach the consumer); others are counted when metrics.lifecycleErrorHandler() is the queue onLifecycleError.',
  labelNames: ['listener'],
};

export const GAUGES = {
  consumers: base('mqkit_consumers', 'Running consumers (consume(), not pull()).'),
  slots: base('mqkit_consumer_slots', 'Concurrency slots of the running consumers (sum of their concurrency).'),
  busySlots: base('mqkit_consumer_busy_slots', 'Slots holding a batch: leased and not yet settled, or held by a timed-out processor that has not returned (pull() batches count too).'),
  overrunning: base('mqkit_processor_overrunning', 'Processors that timed out and have not returned yet: slots held by code that ignores its abort signal.'),
  leasesHeld: base('mqkit_leases_held', 'Leases this process holds now (kind="claim": batches in flight; kind="shard": shard leases).', ['kind']),
  workers: base('mqkit_coordination_workers', 'Workers in the shard assignment at the last rebalance.'),
  ownedShards: base('mqkit_coordination_owned_shards', 'Shards assigned to this process at the last rebalance.'),
  kinesisLagSeconds: base('mqkit_kinesis_lag_seconds', 'How far behind the newest record this consumer is on a shard (MillisBehindLatest), in seconds. Removed when the shard lease is given up.', ['shard'], 'max'),
  kinesisLagRecords: base('mqkit_kinesis_lag_records', 'Records between this consumer and the newest record of a shard, where the provider knows it.', ['shard'], 'max'),
  lagSeconds: base('mqkit_consumer_lag_seconds', 'Consumer lag reported by a provider without shards, in seconds.', [], 'max'),
  lagMessages: base('mqkit_consumer_lag_messages', 'Consumer lag reported by a provider without shards, in messages.', [], 'max'),
  queueMessages: base('mqkit_queue_messages', 'Messages in the queue by state (ready, delayed, in_flight, dead_lettered), from queue.stats() at scrape time. A state the provider cannot count has no series.', ['state'], 'first'),
  oldestReady: base('mqkit_queue_oldest_ready_message_timestamp_seconds', 'When the oldest ready message became due (unix seconds), from queue.stats() lagMs at scrape time: age = time() - this. Now when nothing is ready.', [], 'min'),
  statsUp: base('mqkit_queue_stats_up', '1 when the last queue.stats() at scrape time answered, 0 when it failed or timed out.', [], 'min'),
  statsDuration: base('mqkit_queue_stats_duration_seconds', 'How long the last queue.stats() call took.', [], 'max'),
} as const satisfies Record<string, FamilySpec>;

export const HISTOGRAMS = {
  process: histogram(base('messaging_process_duration_seconds', 'Processing time of a batch, from its start to its outcome (error_type set when no message of the batch was acked).', ['messaging_operation_name', 'error_type']), DURATION_BUCKETS),
  operation: histogram(
    base('messaging_client_operation_duration_seconds', 'Duration of a client operation: publish (send; error_type on failure, through instrument()) and settle (the backend applying a batch outcome).', [
      'messaging_operation_name',
      'messaging_operation_type',
      'error_type',
    ]),
    DURATION_BUCKETS,
  ),
  wait: histogram(base('mqkit_message_wait_duration_seconds', 'Time from a message being due (its publish time, or the end of its delay or retry backoff) to the start of its processing.'), DURATION_BUCKETS),
  attempts: histogram(base('mqkit_message_delivery_attempts', 'Delivery attempt of each delivered message (1 = first delivery).'), ATTEMPT_BUCKETS),
  overrun: histogram(base('mqkit_processor_overrun_duration_seconds', 'How long a processor ran past the moment its batch was decided (timeout, lost lease, shutdown deadline) before it returned.'), DURATION_BUCKETS),
} as const satisfies Record<string, HistogramSpec>;

/** Known label values, initialised to zero for every queue the listener knows. */
export const OUTCOMES = ['ack', 'retry', 'dead_letter', 'expired'] as const;
export const DEAD_LETTER_REASONS = ['permanent', 'max-attempts', 'explicit', 'poison-pill', 'undecodable'] as const;
export const STOP_REASONS = ['stop', 'close', 'signal', 'error'] as const;
export const LEASE_KINDS = ['claim', 'shard'] as const;
export const QUEUE_STATES = ['ready', 'delayed', 'in_flight', 'dead_lettered'] as const;

/** Every family name, for the docs and the golden-file tests. */
export function allFamilyNames(): string[] {
  return [...Object.values(COUNTERS), LISTENER_ERRORS, ...Object.values(GAUGES), ...Object.values(HISTOGRAMS)].map((s) => s.name).sort();
}
