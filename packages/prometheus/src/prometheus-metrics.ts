import { ConfigError, type LifecycleErrorHandler, type LifecycleEvents, type LifecycleEventName, type Queue } from '@mqkit/core';
import type { RegistryContentType, Registry as PromRegistry } from 'prom-client';

type Registry = PromRegistry<RegistryContentType>;
import { BoundedLabel, errorTypeOf, OTHER } from './bounded-label.js';
import { DEAD_LETTER_REASONS } from './catalog.js';
import { ClaimSlots } from './claim-slots.js';
import { InstrumentedQueue, type InstrumentOptions } from './instrumented-queue.js';
import { metricSet, QueueCells, type MetricSet } from './metric-set.js';
import { resolveOptions, type PrometheusMetricsOptions, type ResolvedOptions } from './options.js';
import { ShardLeases } from './shard-leases.js';
import { StatsCollector } from './stats-collector.js';

type Handler<K extends LifecycleEventName> = (event: LifecycleEvents[K]) => void;

/**
 * Lifecycle events as Prometheus metrics on a prom-client registry. Add it to a queue
 * (`createQueue({ lifecycle: [metrics] })`); call {@link PrometheusMetrics.instrument} on the
 * queue to count failed publishes and collect `queue.stats()` at scrape time.
 *
 * Costs a handful of field writes per batch and two histogram increments per message (wait time,
 * attempt); no prom-client call runs on the consumer's path. A handler that fails (a malformed
 * event from a provider, a clock that throws) is counted in `mqkit_listener_errors_total` and
 * never reaches the consumer or `onLifecycleError`.
 */
export class PrometheusMetrics {
  readonly name: string;
  readonly registry: Registry;
  readonly system: string;
  readonly #options: ResolvedOptions;
  readonly #set: MetricSet;
  readonly #queues = new Map<string, QueueCells>();
  readonly #claims = new ClaimSlots();
  readonly #shards: ShardLeases;
  readonly #consumers = new Map<string, { readonly q: QueueCells; readonly concurrency: number }>();
  readonly #stats: StatsCollector;
  readonly #errorTypes: BoundedLabel;
  readonly #operations: BoundedLabel;
  readonly #listeners: BoundedLabel;
  readonly #deadLetterReasons: BoundedLabel;
  #warned = false;
  /** The settlement being reported (core emits its events together, all with this `at`). */
  #settling: { q: QueueCells | undefined; at: number; startedAt: number; open: boolean } = { q: undefined, at: 0, startedAt: 0, open: false };

  constructor(options: PrometheusMetricsOptions) {
    const o = resolveOptions(options);
    this.#options = o;
    this.name = o.name;
    this.registry = o.registry;
    this.system = o.system;
    this.#set = metricSet(o.registry);
    this.#errorTypes = new BoundedLabel(o.maxLabelValues);
    this.#operations = new BoundedLabel(o.maxLabelValues);
    this.#listeners = new BoundedLabel(o.maxLabelValues);
    this.#deadLetterReasons = new BoundedLabel(DEAD_LETTER_REASONS.length + o.maxLabelValues);
    this.#shards = new ShardLeases(this.#set, o.maxLabelValues * 20);
    this.#stats = new StatsCollector(this.#set, { cacheMs: o.statsCacheMs, timeoutMs: o.statsTimeoutMs, clock: o.clock }, this.#errorTypes);
    this.#set.refreshers.add(() => this.#stats.refresh());
    this.#set.listenerErrors.child([this.name]);
    for (const queue of o.queues) this.#q(queue);
  }

  /**
   * Wraps a queue made with this listener: the returned `Queue` is the same queue, except that a
   * failed `publish` is counted (`messaging_client_sent_messages_total` and the publish duration
   * with `error_type`; lifecycle events only report publishes that succeeded), and the queues
   * named in `stats` are collected from `queue.stats()` at scrape time until `close()`.
   */
  instrument(queue: Queue, options: InstrumentOptions = {}): Queue {
    if (queue.provider !== this.system) {
      throw new ConfigError('prometheus.system', `is "${this.system}" but this queue's provider is "${queue.provider}"`, `create the listener with system: '${queue.provider}' (one listener per queue object; they may share a registry)`);
    }
    const names = options.stats ?? [];
    for (const name of names) this.#q(name);
    const unwatch = names.length > 0 ? this.#stats.watch(this.system, queue, names) : () => undefined;
    return new InstrumentedQueue(queue, {
      clock: this.#options.clock,
      onPublishFailed: (name, count, seconds, error) =>
        this.#guarded(() => {
          const q = this.#q(name);
          const type = this.#errorTypes.value(errorTypeOf(error));
          this.#set.counters.sent.child([...q.labels, 'publish', type]).value += count;
          if (Number.isFinite(seconds)) this.#set.histograms.operation.child([...q.labels, 'publish', 'send', type]).observe(seconds);
        }),
      onClose: unwatch,
    });
  }

  /**
   * An `onLifecycleError` for `createQueue` that counts every listener's failures in
   * `mqkit_listener_errors_total{listener}` and passes them on to `next` (give one: without it
   * they are only counted).
   */
  lifecycleErrorHandler(next?: LifecycleErrorHandler): LifecycleErrorHandler {
    return (error, info) => {
      this.#guarded(() => this.#set.listenerErrors.child([this.#listeners.value(info.listener)]).value++);
      next?.(error, info);
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle handlers (looked up by event name by core's Lifecycle)

  readonly 'message.published' = this.#on<'message.published'>((e) => {
    const q = this.#q(e.queue);
    q.sent.value += e.messages.length;
    q.deduplicated.value += e.duplicates;
    q.publish.observe(seconds(this.#options.clock.now() - e.at));
  });

  readonly 'message.received' = this.#on<'message.received'>((e) => {
    const q = this.#q(e.queue);
    const messages = e.messages;
    q.consumed.value += messages.length;
    // Messages published together share their due time, and most are on their first attempt: one
    // histogram update per run of equal values instead of one per message.
    const at = e.at;
    let runAt = Number.NaN;
    let attempt = Number.NaN;
    let sameRunAt = 0;
    let sameAttempt = 0;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      if (m.runAt !== runAt) {
        if (sameRunAt > 0) q.wait.observeTimes(seconds(at - runAt), sameRunAt);
        runAt = m.runAt;
        sameRunAt = 0;
      }
      sameRunAt++;
      if (m.attempt !== attempt) {
        if (sameAttempt > 0) q.attempts.observeTimes(attempt, sameAttempt);
        attempt = m.attempt;
        sameAttempt = 0;
      }
      sameAttempt++;
    }
    if (sameRunAt > 0) q.wait.observeTimes(seconds(at - runAt), sameRunAt);
    if (sameAttempt > 0) q.attempts.observeTimes(attempt, sameAttempt);
    this.#claims.received(q, e.consumerId, messages);
  });

  readonly 'message.processed' = this.#on<'message.processed'>((e) => {
    const q = this.#q(e.queue);
    q.settled.ack.value += e.messages.length;
    q.process.observe(seconds(e.durationMs));
    const s = this.#settling;
    if (s.q === q && s.at === e.at) s.open = false;
  });

  readonly 'message.failed' = this.#on<'message.failed'>((e) => {
    const q = this.#q(e.queue);
    const type = this.#errorTypes.value(errorTypeOf(e.error));
    this.#set.counters.failures.child([...q.labels, type]).value++;
    if (e.willRetry) q.settled.retry.value++;
    this.#failedBatch(q, e.at, type);
  });

  readonly 'message.dead-lettered' = this.#on<'message.dead-lettered'>((e) => {
    const q = this.#q(e.queue);
    q.settled.dead_letter.value++;
    const known = q.deadLetters[e.reason];
    if (known !== undefined) known.value++;
    else this.#set.counters.deadLetters.child([...q.labels, this.#deadLetterReasons.value(String(e.reason))]).value++;
    if (e.reason === 'explicit') this.#failedBatch(q, e.at, this.#errorTypes.value(errorTypeOf(e.error)));
  });

  readonly 'message.expired' = this.#on<'message.expired'>((e) => {
    this.#q(e.queue).settled.expired.value++;
  });

  readonly 'message.replayed' = this.#on<'message.replayed'>((e) => {
    this.#q(e.queue).replayed.value += e.count;
  });

  readonly 'processor.timeout' = this.#on<'processor.timeout'>((e) => {
    this.#q(e.queue).timeouts.value++;
    this.#claims.timedOut(e.messages);
  });

  readonly 'processor.overrun' = this.#on<'processor.overrun'>((e) => {
    this.#q(e.queue).overrun.observe(seconds(e.overrunMs));
    this.#claims.returned(e.messages);
  });

  readonly 'consumer.started' = this.#on<'consumer.started'>((e) => {
    const q = this.#q(e.queue);
    if (this.#consumers.has(e.consumerId)) return;
    this.#consumers.set(e.consumerId, { q, concurrency: e.concurrency });
    q.consumers.value++;
    q.slots.value += e.concurrency;
  });

  readonly 'consumer.stopped' = this.#on<'consumer.stopped'>((e) => {
    const q = this.#q(e.queue);
    const started = this.#consumers.get(e.consumerId);
    if (started !== undefined) {
      this.#consumers.delete(e.consumerId);
      started.q.consumers.value--;
      started.q.slots.value -= started.concurrency;
    }
    const reason = q.stops[e.reason];
    if (reason !== undefined) reason.value++;
    else this.#set.counters.stops.child([...q.labels, OTHER]).value++;
    q.abandoned.value += e.abandoned;
    this.#claims.stopped(e.consumerId);
  });

  readonly 'consumer.error' = this.#on<'consumer.error'>((e) => {
    const q = this.#q(e.queue);
    const willRetry = e.retryInMs !== undefined;
    const operation = this.#operations.value(String(e.operation));
    this.#set.counters.consumerErrors.child([...q.labels, operation, this.#errorTypes.value(errorTypeOf(e.error)), willRetry ? 'true' : 'false']).value++;
    if (e.operation === 'settle' && !willRetry) this.#claims.gaveUp(e.consumerId);
  });

  readonly 'lease.acquired' = this.#on<'lease.acquired'>((e) => {
    const q = this.#q(e.queue);
    if (e.kind === 'claim') {
      q.leasesAcquired.claim.value++;
      this.#claims.open(q, e.resource, e.owner, e.at);
    } else {
      q.leasesAcquired.shard.value++;
      this.#shards.held(q, e.resource);
    }
  });

  readonly 'lease.renewed' = this.#on<'lease.renewed'>((e) => {
    const q = this.#q(e.queue);
    (e.kind === 'claim' ? q.leasesRenewed.claim : q.leasesRenewed.shard).value++;
  });

  readonly 'lease.stolen' = this.#on<'lease.stolen'>((e) => {
    const q = this.#q(e.queue);
    if (e.kind === 'claim') q.leasesStolen.claim.value++;
    else {
      q.leasesStolen.shard.value++;
      this.#shards.held(q, e.resource);
    }
  });

  readonly 'lease.lost' = this.#on<'lease.lost'>((e) => {
    const q = this.#q(e.queue);
    if (e.kind === 'claim') {
      q.leasesLost.claim.value++;
      this.#claims.settled(e.resource);
    } else {
      q.leasesLost.shard.value++;
      this.#shards.gone(q, e.resource);
    }
  });

  readonly 'lease.released' = this.#on<'lease.released'>((e) => {
    const q = this.#q(e.queue);
    if (e.kind === 'claim') {
      q.leasesReleased.claim.value++;
      // Core emits it when the backend accepted the batch's settlement; `at` is when the outcome was decided.
      q.settle.observe(seconds(this.#options.clock.now() - e.at));
      const record = this.#claims.settled(e.resource);
      const s = this.#settling;
      s.q = q;
      s.at = e.at;
      s.startedAt = record?.startedAt ?? e.at;
      s.open = record !== undefined;
    } else {
      q.leasesReleased.shard.value++;
      this.#shards.gone(q, e.resource);
    }
  });

  readonly checkpoint = this.#on<'checkpoint'>((e) => {
    this.#q(e.queue).checkpoints.value++;
  });

  readonly rebalance = this.#on<'rebalance'>((e) => {
    const q = this.#q(e.queue);
    q.rebalances.value++;
    this.#set.gauges.workers.child(q.labels).value = e.workers;
    this.#set.gauges.ownedShards.child(q.labels).value = e.owned.length;
  });

  readonly 'poison-pill' = this.#on<'poison-pill'>((e) => {
    this.#q(e.queue).poisonPills.value++;
  });

  readonly 'heartbeat.failed' = this.#on<'heartbeat.failed'>((e) => {
    const q = this.#q(e.queue);
    this.#set.counters.heartbeatFailures.child([...q.labels, this.#errorTypes.value(errorTypeOf(e.error))]).value++;
  });

  readonly throttled = this.#on<'throttled'>((e) => {
    const q = this.#q(e.queue);
    const operation = this.#operations.value(String(e.operation));
    this.#set.counters.throttles.child([...q.labels, operation]).value++;
    if (Number.isFinite(e.delayMs) && e.delayMs > 0) this.#set.counters.throttledSeconds.child([...q.labels, operation]).value += e.delayMs / 1000;
  });

  readonly lag = this.#on<'lag'>((e) => {
    const q = this.#q(e.queue);
    if (e.shardId !== undefined) this.#shards.lag(q, e.shardId, e.ms, e.messages);
    else {
      const { gauges } = this.#set;
      if (typeof e.ms === 'number' && Number.isFinite(e.ms)) gauges.lagSeconds.child(q.labels).value = e.ms / 1000;
      if (typeof e.messages === 'number' && Number.isFinite(e.messages)) gauges.lagMessages.child(q.labels).value = e.messages;
    }
  });

  // ---------------------------------------------------------------------------------------------

  /** The cells of a queue, made (every known series at zero) on first sight. */
  #q(queue: string): QueueCells {
    let q = this.#queues.get(queue);
    if (q === undefined) {
      q = new QueueCells(this.#set, this.system, queue);
      this.#queues.set(queue, q);
    }
    return q;
  }

  /** A failed batch's duration, once per settlement (when no message of it was acked). */
  #failedBatch(q: QueueCells, at: number, errorType: string): void {
    const s = this.#settling;
    if (!s.open || s.q !== q || s.at !== at) return;
    s.open = false;
    this.#set.histograms.process.child([...q.labels, 'process', errorType]).observe(seconds(at - s.startedAt));
  }

  #on<K extends LifecycleEventName>(handler: Handler<K>): Handler<K> {
    return (event) => {
      try {
        handler(event);
      } catch (error) {
        this.#failed(error);
      }
    };
  }

  #guarded(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#failed(error);
    }
  }

  /** This listener failed: count it; the first failure is also a process warning, so it is seen once. */
  #failed(error: unknown): void {
    try {
      this.#set.listenerErrors.child([this.name]).value++;
      if (!this.#warned) {
        this.#warned = true;
        process.emitWarning(`[mqkit] [prometheus] a metrics handler failed (counted in mqkit_listener_errors_total; further failures are only counted): ${String(error)}`, {
          code: 'MQKIT_PROMETHEUS_LISTENER_FAILED',
        });
      }
    } catch {
      // Nothing left to report to; never let it reach the consumer.
    }
  }
}

/** Makes the listener: `createQueue({ provider, lifecycle: [prometheusMetrics({ system: provider.name, registry })] })`. */
export function prometheusMetrics(options: PrometheusMetricsOptions): PrometheusMetrics {
  return new PrometheusMetrics(options);
}

/** ms → s, never negative (clocks of two hosts, a `runAt` in the future). */
function seconds(ms: number): number {
  return ms > 0 ? ms / 1000 : 0;
}
