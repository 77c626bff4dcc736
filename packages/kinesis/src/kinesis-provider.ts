import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  ClosedError,
  ConfigError,
  DuplicateIdError,
  PayloadTooLargeError,
  RetryableError,
  ValidationError,
  isMqkitError,
  ErrorCode,
  type Capabilities,
  type CapabilityNotes,
  type DeadLetter,
  type NewMessage,
  type ProviderContext,
  type PublishOptions,
  type PublishResult,
  type QueueProvider,
  type QueueStats,
  type Receiver,
  type ReceiverOptions,
  capabilitiesExcept,
} from '@mqkit/core';
import { CoordinationStore } from './coordination/coordination-store.js';
import { NudgeBus } from './coordination/nudge-bus.js';
import { connectRedis } from './coordination/redis-connect.js';
import type { RedisLike } from './coordination/redis-like.js';
import { streamKeys } from './coordination/stream-keys.js';
import { KinesisReceiver } from './consumer/kinesis-receiver.js';
import { StreamWorker } from './consumer/stream-worker.js';
import type { WorkerContext } from './consumer/worker-context.js';
import { RedisDeadLetters } from './dead-letters/redis-dead-letters.js';
import { resolveKinesisOptions, type KinesisOptions, type ResolvedKinesisOptions } from './kinesis-options.js';
import type { KinesisApi } from './kinesis/kinesis-api.js';
import { sdkKinesisApi } from './kinesis/sdk-kinesis-api.js';
import { ensureStream } from './kinesis/stream-admin.js';
import { PartialPublishError } from './producer/partial-publish-error.js';
import { partitionKeyOf } from './producer/partitioner.js';
import { putAll, type SizedEntry } from './producer/put-records.js';
import { readStatus, type StreamStatus } from './stream-status.js';

const CAPABILITIES: Capabilities = capabilitiesExcept(['delay', 'dedupe', 'transactionalPublish', 'backpressure']);

const NOTES: CapabilityNotes = Object.freeze({
  delay: 'a Kinesis shard is read in order: a delayed record would hold back every record behind it on its shard (publish it later instead)',
  dedupe: 'Kinesis has no idempotent put (a retried PutRecords can write a record twice): make processing idempotent, keyed by message id or kinesisRecordOf(message)',
  transactionalPublish: 'a Kinesis write cannot join a database transaction: write an outbox table in the transaction and publish from it',
  backpressure: 'a stream has no capacity to wait for: a throttled publish is retried with backoff, then fails with PartialPublishError naming what was not stored',
});

type State = 'new' | 'open' | 'crashed' | 'closed';

/**
 * Kinesis streams as mqkit queues, coordinated through Redis: a producer that keeps within
 * PutRecords' limits and retries only what failed, and a KCL-class consumer — shard leases with
 * fencing epochs on Redis time, balanced assignment with eager rebalancing, graceful hand-off,
 * checkpoints that never move backwards, resharding with parents before children, KPL
 * de-aggregation, poison pills and undecodable records dead-lettered. See the package README.
 */
export class KinesisProvider implements QueueProvider {
  readonly name = 'kinesis';
  readonly capabilities = CAPABILITIES;
  readonly capabilityNotes = NOTES;
  readonly deadLetters: RedisDeadLetters;
  readonly #options: ResolvedKinesisOptions;
  #state: State = 'new';
  #context: ProviderContext | undefined;
  #redis: RedisLike | undefined;
  #ownRedis = false;
  #api: KinesisApi | undefined;
  #bus: NudgeBus | undefined;
  #workerId = '';
  readonly #workers = new Map<string, StreamWorker>();
  readonly #stores = new Map<string, CoordinationStore>();
  readonly #ready = new Map<string, Promise<void>>();

  constructor(options: KinesisOptions) {
    this.#options = resolveKinesisOptions(options);
    this.deadLetters = new RedisDeadLetters({
      store: async (queue) => {
        this.#assertOpen();
        return this.#store(this.#stream(queue));
      },
      replay: (queue, letters) => this.#replay(queue, letters),
      redisTimeoutMs: this.#options.redisTimeoutMs,
    });
  }

  /** This process's worker id in the lease table (once opened). */
  get workerId(): string {
    return this.#workerId;
  }

  async open(context: ProviderContext): Promise<void> {
    if (this.#state !== 'new') {
      throw new ConfigError('provider', 'this kinesis provider was already opened by a queue', 'call kinesis({...}) once per createQueue()', { source: 'kinesis' });
    }
    const o = this.#options;
    this.#context = context;
    this.#workerId = o.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    if (typeof o.redis === 'string') {
      this.#redis = await connectRedis(o.redis);
      this.#ownRedis = true;
      let warnedAt = -Infinity;
      this.#redis.on('error', (error) => {
        // ioredis reconnects by itself; one warning per ten seconds of trouble is enough.
        if (performance.now() - warnedAt < 10_000) return;
        warnedAt = performance.now();
        context.logger.warn('[kinesis] the Redis connection failed; it reconnects (heartbeats and settles are retried meanwhile)', { error });
      });
    } else {
      this.#redis = o.redis;
    }
    this.#api = o.api ?? (await sdkKinesisApi(o.client, o.clientConfig));
    this.#bus = new NudgeBus(this.#redis, context.logger);
    this.#state = 'open';
  }

  #assertOpen(): void {
    if (this.#state === 'open') return;
    if (this.#state === 'crashed') throw new Error('[mqkit] [kinesis] this provider crashed (simulateCrash): a dead process settles nothing');
    throw new ClosedError('use of a kinesis provider', { source: 'kinesis' });
  }

  #stream(queue: string): string {
    try {
      return this.#options.streamName(queue);
    } catch (error) {
      if (isMqkitError(error, ErrorCode.Config)) throw new ValidationError('queue', (error as Error).message, 'use a queue name Kinesis accepts as a stream name, or map it with streamName', { source: 'kinesis', cause: error });
      throw error;
    }
  }

  #store(stream: string): CoordinationStore {
    let store = this.#stores.get(stream);
    if (store === undefined) {
      store = new CoordinationStore(this.#redis!, streamKeys(this.#options.keyPrefix, this.#options.application, stream));
      this.#stores.set(stream, store);
    }
    return store;
  }

  /** A Redis call bounded by `redisTimeoutMs` (a hung connection fails, and is retried, instead of hanging). */
  #bounded<T>(what: string, call: () => Promise<T>): Promise<T> {
    const ms = this.#options.redisTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RetryableError(`Redis did not answer ${what} within ${ms} ms (redisTimeoutMs)`, { source: 'kinesis' })), ms);
    });
    return Promise.race([call(), timeout]).finally(() => clearTimeout(timer));
  }

  #worker(queue: string, stream: string): StreamWorker {
    let worker = this.#workers.get(stream);
    if (worker === undefined) {
      const context = this.#context!;
      const ctx: WorkerContext = {
        queue,
        stream,
        me: this.#workerId,
        store: this.#store(stream),
        api: this.#api!,
        options: this.#options,
        lifecycle: context.lifecycle,
        clock: context.clock,
        logger: context.logger,
        bus: this.#bus!,
        redis: (what, call) => this.#bounded(what, call),
      };
      worker = new StreamWorker(ctx);
      this.#workers.set(stream, worker);
    }
    return worker;
  }

  /** The stream exists (created when `createStreams` allows), checked once per stream. */
  #ensure(queue: string, stream: string): Promise<void> {
    let ready = this.#ready.get(stream);
    if (ready === undefined) {
      ready = ensureStream(this.#api!, queue, stream, this.#options.createStreams);
      ready.catch(() => this.#ready.delete(stream));
      this.#ready.set(stream, ready);
    }
    return ready;
  }

  async publish(queue: string, messages: readonly NewMessage[], _options: PublishOptions): Promise<PublishResult> {
    this.#assertOpen();
    const stream = this.#stream(queue);
    const entries = this.#encode(messages);
    const explicit = messages.filter((m) => m.explicitId).map((m) => m.id);
    const store = this.#store(stream);
    await this.#ensure(queue, stream);
    if (explicit.length > 0) {
      const taken = await this.#bounded('reserving ids', () => store.reserveIds(explicit, this.#options.publish.idRetentionMs));
      if (taken > 0) {
        const id = explicit[taken - 1]!;
        const index = messages.findIndex((m) => m.explicitId && m.id === id);
        throw new DuplicateIdError(queue, id, `messages[${index}].id`, { source: 'kinesis' });
      }
    }
    const ids = messages.map((m) => m.id);
    const report = await this.#put(queue, stream, entries, ids);
    if (report.failed.length > 0) {
      const failedIds = new Set(report.failed.map((f) => f.id));
      await store.unreserveIds(explicit.filter((id) => failedIds.has(id))).catch(() => undefined);
      throw new PartialPublishError(stream, report.failed, ids.filter((id) => !failedIds.has(id)), { source: 'kinesis' });
    }
    return { ids, duplicates: [] };
  }

  #encode(messages: readonly NewMessage[]): SizedEntry[] {
    const { codec, partitionKey, publish } = this.#options;
    return messages.map((m, i) => {
      const data = codec.encode(m, i);
      const key = partitionKeyOf(m, partitionKey);
      const bytes = data.byteLength + Buffer.byteLength(key, 'utf8');
      if (bytes > publish.maxRecordBytes) throw new PayloadTooLargeError(`messages[${i}].payload`, bytes, publish.maxRecordBytes, { source: 'kinesis' });
      return { data, partitionKey: key, bytes };
    });
  }

  async #put(queue: string, stream: string, entries: readonly SizedEntry[], ids: readonly string[]): ReturnType<typeof putAll> {
    const context = this.#context!;
    const { publish } = this.#options;
    const report = await putAll(this.#api!, stream, entries, ids, publish, publish, (delayMs) => {
      if (context.lifecycle.has('throttled')) context.lifecycle.emit('throttled', { queue, operation: 'PutRecords', delayMs, shardId: undefined, at: context.clock.now() });
    });
    // Consumers of this process read the shards that just got records without waiting for their next poll.
    const worker = this.#workers.get(stream);
    if (worker !== undefined) {
      const shards = new Set(report.stored.map((s) => s?.shardId).filter((s): s is string => s !== undefined));
      for (const id of shards) worker.shards.get(id)?.reader?.poke();
    }
    return report;
  }

  async #replay(queue: string, letters: readonly DeadLetter[]): Promise<void> {
    const stream = this.#stream(queue);
    const now = this.#context!.clock.now();
    const messages: NewMessage[] = letters.map((l) => ({
      id: l.message.id,
      explicitId: false,
      queue,
      type: l.message.type,
      payload: l.message.payload,
      createdAt: l.message.createdAt,
      runAt: now,
      expiresAt: undefined,
      maxAttempts: l.message.maxAttempts,
      partitionKey: l.message.partitionKey,
      dedupeKey: l.message.dedupeKey,
      headers: l.message.headers,
    }));
    const ids = messages.map((m) => m.id);
    const report = await this.#put(queue, stream, this.#encode(messages), ids);
    if (report.failed.length > 0) {
      const failed = new Set(report.failed.map((f) => f.id));
      throw new PartialPublishError(stream, report.failed, ids.filter((id) => !failed.has(id)), { source: 'kinesis' });
    }
  }

  receiver(queue: string, options: ReceiverOptions): Receiver {
    this.#assertOpen();
    const stream = this.#stream(queue);
    return new KinesisReceiver(this.#worker(queue, stream), options);
  }

  async stats(queue: string): Promise<QueueStats> {
    this.#assertOpen();
    const stream = this.#stream(queue);
    const worker = this.#workers.get(stream);
    let lagMs: number | null = null;
    if (worker !== undefined && worker.running) {
      for (const s of worker.shards.values()) if (s.lagMs !== undefined) lagMs = Math.max(lagMs ?? 0, s.lagMs);
    }
    const deadLettered = await this.#bounded('counting dead letters', () => this.deadLetters.count(queue));
    return { queue, ready: null, delayed: null, inFlight: null, deadLettered, lagMs };
  }

  /**
   * Shards, owners, epochs, lease expiries, checkpoints and workers of a stream, from Redis (and
   * lag from this process's readers): what `mqkit` status tooling shows.
   */
  async status(queue: string): Promise<StreamStatus> {
    this.#assertOpen();
    const stream = this.#stream(queue);
    const worker = this.#workers.get(stream);
    const lags = new Map([...(worker?.shards.values() ?? [])].map((s) => [s.shardId, s.lagMs]));
    return this.#bounded('reading status', () => readStatus(this.#store(stream), stream, lags));
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const wasOpen = this.#state === 'open';
    this.#state = 'closed';
    if (wasOpen) await Promise.all([...this.#workers.values()].map((w) => w.close()));
    await this.#bus?.close();
    this.#api?.destroy();
    if (this.#ownRedis && this.#redis !== undefined) await this.#redis.quit().catch(() => this.#redis?.disconnect());
  }

  /**
   * For crash tests: this provider dies on the spot, like a killed process. Its workers stop
   * reading and renewing, nothing is released: peers take its shards when its leases expire.
   */
  simulateCrash(): void {
    if (this.#state !== 'open') return;
    this.#state = 'crashed';
    for (const w of this.#workers.values()) w.crash();
    this.#bus?.drop();
    if (this.#ownRedis) this.#redis?.disconnect();
  }
}

/** Kinesis streams as an mqkit provider. See {@link KinesisOptions}. */
export function kinesis(options: KinesisOptions): KinesisProvider {
  return new KinesisProvider(options);
}
