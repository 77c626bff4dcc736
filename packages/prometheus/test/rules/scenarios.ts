/**
 * promtool unit-test scenarios for rules/mqkit-alerts.yml: for every alert, at least one history
 * in which it must fire and one in which it must not. rules.test.ts turns them into a promtool
 * test file (annotations rendered from the rules file) and runs `promtool test rules`.
 *
 * Series values use promtool's notation, one sample a minute: `0+10x30` = 0, 10, …, 300;
 * `5x20` = 5 repeated; a series that stops (a process that died) simply has fewer samples.
 */
export interface InputSeries {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly values: string;
}

export interface Scenario {
  readonly alert: string;
  readonly title: string;
  readonly series: readonly InputSeries[];
  readonly evalTime: string;
  /** The labels of the one alert expected (besides alertname and severity), or null: must not fire. */
  readonly fires: Readonly<Record<string, string>> | null;
}

const Q = { messaging_system: 'memory', messaging_destination_name: 'orders' };
const on = (instance: string, labels: Record<string, string> = {}) => ({ ...Q, job: 'app', instance, ...labels });

/** A backlog that drains: fewer ready messages every minute, consumption going on, old messages at the head. */
const draining: InputSeries[] = [
  { name: 'mqkit_queue_messages', labels: on('producer', { state: 'ready' }), values: '1000-30x30' },
  { name: 'mqkit_queue_oldest_ready_message_timestamp_seconds', labels: on('producer'), values: '-900+60x30' },
  { name: 'messaging_client_consumed_messages_total', labels: on('w1', { messaging_operation_name: 'receive' }), values: '0+30x30' },
  { name: 'mqkit_consumer_busy_slots', labels: on('w1'), values: '8x30' },
  { name: 'mqkit_consumer_slots', labels: on('w1'), values: '8x30' },
];

export const SCENARIOS: readonly Scenario[] = [
  {
    alert: 'MqkitConsumerStalled',
    title: 'the only consumer vanished (its series are gone) while messages wait',
    series: [
      { name: 'mqkit_queue_messages', labels: on('producer', { state: 'ready' }), values: '100+10x30' },
      { name: 'messaging_client_consumed_messages_total', labels: on('w1', { messaging_operation_name: 'receive' }), values: '0+100x5' },
    ],
    evalTime: '25m',
    fires: Q,
  },
  {
    alert: 'MqkitConsumerStalled',
    title: 'consumers are running but deliver nothing',
    series: [
      { name: 'mqkit_queue_messages', labels: on('producer', { state: 'ready' }), values: '40x30' },
      { name: 'messaging_client_consumed_messages_total', labels: on('w1', { messaging_operation_name: 'receive' }), values: '500x30' },
    ],
    evalTime: '20m',
    fires: Q,
  },
  { alert: 'MqkitConsumerStalled', title: 'a draining backlog', series: draining, evalTime: '25m', fires: null },
  {
    alert: 'MqkitConsumerStalled',
    title: 'an empty queue with idle consumers',
    series: [
      { name: 'mqkit_queue_messages', labels: on('producer', { state: 'ready' }), values: '0x30' },
      { name: 'messaging_client_consumed_messages_total', labels: on('w1', { messaging_operation_name: 'receive' }), values: '500x30' },
    ],
    evalTime: '25m',
    fires: null,
  },
  {
    alert: 'MqkitOldestMessageTooOld',
    title: 'a backlog that does not move, its head 10 minutes old',
    series: [
      { name: 'mqkit_queue_messages', labels: on('producer', { state: 'ready' }), values: '50x30' },
      { name: 'mqkit_queue_oldest_ready_message_timestamp_seconds', labels: on('producer'), values: '-600+60x30' },
    ],
    evalTime: '20m',
    fires: Q,
  },
  { alert: 'MqkitOldestMessageTooOld', title: 'a draining backlog with an old head', series: draining, evalTime: '25m', fires: null },
  {
    alert: 'MqkitOldestMessageTooOld',
    title: 'messages are taken as soon as they are due',
    series: [
      { name: 'mqkit_queue_messages', labels: on('producer', { state: 'ready' }), values: '5x30' },
      { name: 'mqkit_queue_oldest_ready_message_timestamp_seconds', labels: on('producer'), values: '-2+60x30' },
    ],
    evalTime: '25m',
    fires: null,
  },
  {
    alert: 'MqkitBacklogGrowingWhileSaturated',
    title: 'the backlog grows and every slot is busy',
    series: [
      { name: 'mqkit_queue_messages', labels: on('producer', { state: 'ready' }), values: '0+20x40' },
      { name: 'mqkit_consumer_busy_slots', labels: on('w1'), values: '8x40' },
      { name: 'mqkit_consumer_slots', labels: on('w1'), values: '8x40' },
    ],
    evalTime: '25m',
    fires: Q,
  },
  {
    alert: 'MqkitBacklogGrowingWhileSaturated',
    title: 'the backlog grows but consumers have free slots (they are not the bottleneck)',
    series: [
      { name: 'mqkit_queue_messages', labels: on('producer', { state: 'ready' }), values: '0+20x40' },
      { name: 'mqkit_consumer_busy_slots', labels: on('w1'), values: '2x40' },
      { name: 'mqkit_consumer_slots', labels: on('w1'), values: '8x40' },
    ],
    evalTime: '25m',
    fires: null,
  },
  { alert: 'MqkitBacklogGrowingWhileSaturated', title: 'a draining backlog with every slot busy', series: draining, evalTime: '25m', fires: null },
  {
    alert: 'MqkitHighFailureRatio',
    title: '10% of deliveries are retried',
    series: [
      { name: 'mqkit_messages_settled_total', labels: on('w1', { outcome: 'ack' }), values: '0+90x30' },
      { name: 'mqkit_messages_settled_total', labels: on('w1', { outcome: 'retry' }), values: '0+10x30' },
    ],
    evalTime: '20m',
    fires: Q,
  },
  {
    alert: 'MqkitHighFailureRatio',
    title: '1% of deliveries are retried',
    series: [
      { name: 'mqkit_messages_settled_total', labels: on('w1', { outcome: 'ack' }), values: '0+99x30' },
      { name: 'mqkit_messages_settled_total', labels: on('w1', { outcome: 'retry' }), values: '0+1x30' },
    ],
    evalTime: '20m',
    fires: null,
  },
  {
    alert: 'MqkitDeadLettering',
    title: 'a message was dead-lettered two minutes ago',
    series: [{ name: 'mqkit_dead_letters_total', labels: on('w1', { reason: 'max-attempts' }), values: '0 0 0 1 1 1' }],
    evalTime: '5m',
    fires: { ...Q, reason: 'max-attempts' },
  },
  {
    alert: 'MqkitDeadLettering',
    title: 'the last dead letter was over 10 minutes ago',
    series: [{ name: 'mqkit_dead_letters_total', labels: on('w1', { reason: 'max-attempts' }), values: '0 1 1x20' }],
    evalTime: '15m',
    fires: null,
  },
  {
    alert: 'MqkitPublishFailures',
    title: 'publishes keep failing with QueueFullError',
    series: [
      { name: 'messaging_client_sent_messages_total', labels: on('p1', { messaging_operation_name: 'publish' }), values: '0+100x20' },
      { name: 'messaging_client_sent_messages_total', labels: on('p1', { messaging_operation_name: 'publish', error_type: 'MQKIT_QUEUE_FULL' }), values: '0+5x20' },
    ],
    evalTime: '15m',
    fires: Q,
  },
  {
    alert: 'MqkitPublishFailures',
    title: 'a failure long ago, successful publishes since',
    series: [
      { name: 'messaging_client_sent_messages_total', labels: on('p1', { messaging_operation_name: 'publish' }), values: '0+100x20' },
      { name: 'messaging_client_sent_messages_total', labels: on('p1', { messaging_operation_name: 'publish', error_type: 'MQKIT_QUEUE_FULL' }), values: '3x20' },
    ],
    evalTime: '15m',
    fires: null,
  },
  {
    alert: 'MqkitWaitTimeSLO',
    title: '20% of messages wait over 10 s',
    series: [
      { name: 'mqkit_message_wait_duration_seconds_bucket', labels: on('w1', { le: '10' }), values: '0+80x30' },
      { name: 'mqkit_message_wait_duration_seconds_count', labels: on('w1'), values: '0+100x30' },
    ],
    evalTime: '25m',
    fires: Q,
  },
  {
    alert: 'MqkitWaitTimeSLO',
    title: '1% of messages wait over 10 s',
    series: [
      { name: 'mqkit_message_wait_duration_seconds_bucket', labels: on('w1', { le: '10' }), values: '0+99x30' },
      { name: 'mqkit_message_wait_duration_seconds_count', labels: on('w1'), values: '0+100x30' },
    ],
    evalTime: '25m',
    fires: null,
  },
  {
    alert: 'MqkitKinesisLagHigh',
    title: 'a shard stays two minutes behind',
    series: [{ name: 'mqkit_kinesis_lag_seconds', labels: on('w1', { messaging_system: 'kinesis', shard: 'shardId-000000000003' }), values: '120x20' }],
    evalTime: '15m',
    fires: { messaging_system: 'kinesis', messaging_destination_name: 'orders', shard: 'shardId-000000000003' },
  },
  {
    alert: 'MqkitKinesisLagHigh',
    title: 'a shard catching up after a restart',
    series: [{ name: 'mqkit_kinesis_lag_seconds', labels: on('w1', { messaging_system: 'kinesis', shard: 'shardId-000000000003' }), values: '300 200 100 30 1 0x15' }],
    evalTime: '15m',
    fires: null,
  },
  {
    alert: 'MqkitLeaseChurn',
    title: 'shard leases change hands every minute',
    series: [
      { name: 'mqkit_leases_lost_total', labels: on('w1', { kind: 'shard' }), values: '0+1x40' },
      { name: 'mqkit_leases_stolen_total', labels: on('w1', { kind: 'shard' }), values: '0+1x40' },
    ],
    evalTime: '35m',
    fires: Q,
  },
  {
    alert: 'MqkitLeaseChurn',
    title: 'one rebalance when a worker joined',
    series: [
      { name: 'mqkit_leases_lost_total', labels: on('w1', { kind: 'shard' }), values: '0 0 2 2x38' },
      { name: 'mqkit_leases_stolen_total', labels: on('w1', { kind: 'shard' }), values: '0 0 2 2x38' },
    ],
    evalTime: '35m',
    fires: null,
  },
  {
    alert: 'MqkitLeaseRenewalFailures',
    title: 'renewals keep failing',
    series: [{ name: 'mqkit_consumer_errors_total', labels: on('w1', { operation: 'renew', error_type: 'ECONNRESET', will_retry: 'true' }), values: '0+3x20' }],
    evalTime: '15m',
    fires: Q,
  },
  {
    alert: 'MqkitLeaseRenewalFailures',
    title: 'receives fail, renewals do not',
    series: [{ name: 'mqkit_consumer_errors_total', labels: on('w1', { operation: 'receive', error_type: 'ECONNRESET', will_retry: 'true' }), values: '0+3x20' }],
    evalTime: '15m',
    fires: null,
  },
  {
    alert: 'MqkitHeartbeatFailures',
    title: 'heartbeats keep failing',
    series: [{ name: 'mqkit_heartbeat_failures_total', labels: on('w1', { messaging_system: 'kinesis', error_type: 'ETIMEDOUT' }), values: '0+1x20' }],
    evalTime: '15m',
    fires: { messaging_system: 'kinesis', messaging_destination_name: 'orders' },
  },
  {
    alert: 'MqkitHeartbeatFailures',
    title: 'two failures long ago',
    series: [{ name: 'mqkit_heartbeat_failures_total', labels: on('w1', { messaging_system: 'kinesis', error_type: 'ETIMEDOUT' }), values: '0 2 2x20' }],
    evalTime: '15m',
    fires: null,
  },
  {
    alert: 'MqkitProcessorsOverrunning',
    title: 'a timed-out processor has not returned for 10 minutes',
    series: [{ name: 'mqkit_processor_overrunning', labels: on('w1'), values: '1x20' }],
    evalTime: '10m',
    fires: Q,
  },
  {
    alert: 'MqkitProcessorsOverrunning',
    title: 'a timed-out processor returned a minute later',
    series: [{ name: 'mqkit_processor_overrunning', labels: on('w1'), values: '1 0x20' }],
    evalTime: '10m',
    fires: null,
  },
  {
    alert: 'MqkitStatsUnavailable',
    title: 'stats() fails at every scrape',
    series: [{ name: 'mqkit_queue_stats_up', labels: on('producer'), values: '0x20' }],
    evalTime: '15m',
    fires: Q,
  },
  {
    alert: 'MqkitStatsUnavailable',
    title: 'one failed scrape',
    series: [{ name: 'mqkit_queue_stats_up', labels: on('producer'), values: '1 0 1x20' }],
    evalTime: '15m',
    fires: null,
  },
  {
    alert: 'MqkitMetricsListenerErrors',
    title: 'the metrics listener failed three minutes ago',
    series: [{ name: 'mqkit_listener_errors_total', labels: { job: 'app', instance: 'w1', listener: 'prometheus' }, values: '0 0 1 1 1 1' }],
    evalTime: '5m',
    fires: { job: 'app', instance: 'w1', listener: 'prometheus' },
  },
  {
    alert: 'MqkitMetricsListenerErrors',
    title: 'no listener failed',
    series: [{ name: 'mqkit_listener_errors_total', labels: { job: 'app', instance: 'w1', listener: 'prometheus' }, values: '0x20' }],
    evalTime: '15m',
    fires: null,
  },
];
