import {
  ClosedError,
  ConfigError,
  QueueWake,
  checkDeclaredQueue,
  withTimeout,
  DuplicateIdError,
  PayloadTooLargeError,
  ValidationError,
  emitExpired,
  emitPoisonPill,
  emitUndecodable,
  encodeJsonPayload,
  type Capabilities,
  type CapabilityNotes,
  type DeadLetter,
  type DeadLetterStore,
  type DuplicateRef,
  type Message,
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
import { BSON, type ClientSession, type Collection, type Document } from 'mongodb';
import { CLAIM_SORT } from './commands/claim.js';
import { deadLetterFilter } from './commands/dead-letters.js';
import { MAX_DOCUMENT_BYTES, checkHeaders, planPublish } from './commands/publish.js';
import { lagMs, statsFilters } from './commands/stats.js';
import { expiredDeadLetters, expiredTombstones } from './commands/sweep.js';
import { DeadLetterMover } from './dead-letter-mover.js';
import type { DeadLetterDoc, MessageDoc } from './documents.js';
import { classify, codeOf } from './errors.js';
import { ensureIndexes, missingIndexes, missingIndexesError } from './indexes.js';
import { Inserter } from './inserter.js';
import { MongoDeadLetters } from './mongodb-dead-letters.js';
import { resolveMongoOptions, type MongoOptions, type ResolvedMongoOptions } from './mongodb-options.js';
import { MongoReceiver, type ReceiverHost } from './mongodb-receiver.js';
import { ServerClock } from './server-clock.js';
import { ChangeStreamWake } from './wake/change-stream-wake.js';

const CAPABILITIES: Capabilities = capabilitiesExcept(['backpressure']);

const NOTES: CapabilityNotes = Object.freeze({
  backpressure: 'a MongoDB collection has no capacity: publish never waits for room (watch stats().ready)',
});

type State = 'new' | 'open' | 'crashed' | 'closed';

/**
 * A durable queue in MongoDB, through the application's own `Db`: atomic claims (a conditional
 * `updateMany` per batch, leases by the server's `$$NOW`), settlements fenced per document by the
 * claim's token (one unordered `bulkWrite`), dedupe by a unique index, dead letters moved in
 * repeatable steps, a change stream (or polling with back-off) to wake idle consumers. The query
 * and update documents live in `src/commands/`; see the package README.
 */
export class MongoProvider implements QueueProvider, ReceiverHost {
  readonly name = 'mongodb';
  readonly capabilities = CAPABILITIES;
  readonly capabilityNotes = NOTES;
  readonly deadLetters: DeadLetterStore;
  readonly messages: Collection<MessageDoc>;
  readonly deadLetterDocs: Collection<DeadLetterDoc>;
  readonly mover: DeadLetterMover;
  readonly inserter: Inserter;
  readonly #options: ResolvedMongoOptions;
  readonly #clock: ServerClock;
  readonly #wakes = new Map<string, QueueWake>();
  readonly #receivers = new Set<MongoReceiver>();
  #watcher: ChangeStreamWake | undefined;
  #sweep: ReturnType<typeof setInterval> | undefined;
  #context: ProviderContext | undefined;
  #state: State = 'new';
  #hello: Document = {};

  constructor(options: MongoOptions) {
    this.#options = resolveMongoOptions(options);
    const { db, collections } = this.#options;
    this.messages = db.collection<MessageDoc>(collections.messages);
    this.deadLetterDocs = db.collection<DeadLetterDoc>(collections.deadLetters);
    this.#clock = new ServerClock(async () => {
      this.#hello = await this.run('reading the server clock', () => hello(this.#options.db));
      return this.#hello.localTime instanceof Date ? this.#hello.localTime : new Date();
    });
    this.mover = new DeadLetterMover({ ...this.#hostBase(), deadLetterDocs: this.deadLetterDocs });
    this.inserter = new Inserter(this.#hostBase());
    this.deadLetters = new MongoDeadLetters({
      deadLetters: this.deadLetterDocs,
      run: (what, op) => this.run(what, op),
      checkQueue: (queue) => this.#checkQueue(queue),
      assertUsable: () => this.assertUsable(),
      serverNow: () => this.serverNow(),
      now: () => this.#context?.clock.now() ?? Date.now(),
      inserter: this.inserter,
      notify: (queue) => this.#wakes.get(queue)?.notify(),
    });
  }

  #hostBase(): { messages: Collection<MessageDoc>; run: MongoProvider['run']; serverNow: () => number; dedupeWindowMs: number; deadLetterRetentionMs: number | undefined } {
    return {
      messages: this.messages,
      run: (what, op) => this.run(what, op),
      serverNow: () => this.serverNow(),
      dedupeWindowMs: this.#options.dedupeWindowMs,
      deadLetterRetentionMs: this.#options.deadLetterRetentionMs,
    };
  }

  get dedupeWindowMs(): number {
    return this.#options.dedupeWindowMs;
  }

  get deadLetterRetentionMs(): number | undefined {
    return this.#options.deadLetterRetentionMs;
  }

  get pollIntervalMs(): number {
    return this.#options.pollIntervalMs;
  }

  get minPollIntervalMs(): number {
    return this.#options.minPollIntervalMs;
  }

  /** True when idle receivers poll (no change stream: a standalone server, or `wakeUp: 'poll'`). */
  get polling(): boolean {
    return this.#watcher === undefined;
  }

  get usable(): boolean {
    return this.#state === 'open';
  }

  /** The offset of the server's clock from this host's, as last measured (ms). */
  get serverClockOffsetMs(): number {
    return this.#clock.offsetMs;
  }

  async open(context: ProviderContext): Promise<void> {
    if (this.#state !== 'new') {
      throw new ConfigError('provider', 'this mongodb provider was already opened by a queue', 'call mongodb({ db }) once per createQueue()', { source: 'mongodb' });
    }
    const { db, collections, indexes, wakeUp, sweepIntervalMs } = this.#options;
    await this.#clock.measure();
    const replicated = typeof this.#hello.setName === 'string' || this.#hello.msg === 'isdbgrid';
    if (wakeUp === 'changeStream' && !replicated) {
      throw new ConfigError(
        'mongodb.wakeUp',
        "is 'changeStream', but this server is a standalone: change streams need a replica set or a sharded cluster",
        "use wakeUp: 'auto' (polls on a standalone) or 'poll', or run mongod as a one-node replica set (mongod --replSet rs0, then rs.initiate())",
        { source: 'mongodb' },
      );
    }
    if (indexes === 'ensure') await this.run('creating indexes', () => ensureIndexes(db, collections));
    else {
      const missing = await this.run('checking indexes', () => missingIndexes(db, collections));
      if (missing.length > 0) throw missingIndexesError(missing, collections);
    }
    this.#context = context;
    this.#state = 'open';
    if (wakeUp !== 'poll' && replicated) {
      this.#watcher = new ChangeStreamWake(this.messages, {
        onInsert: (queue) => this.#wakes.get(queue)?.notify(),
        onRestart: () => {
          for (const wake of this.#wakes.values()) wake.notify();
        },
        logger: context.logger,
      });
      this.#watcher.start();
    }
    this.#sweep = setInterval(() => void this.#housekeeping(), sweepIntervalMs);
    this.#sweep.unref?.();
  }

  async publish(queue: string, messages: readonly NewMessage[], options: PublishOptions): Promise<PublishResult> {
    this.assertUsable();
    this.#checkQueue(queue);
    const session = options.transaction === undefined ? undefined : this.#sessionOf(options.transaction);
    const payloads = messages.map((m, i) => {
      checkHeaders(m.headers, i);
      return encodeJsonPayload(m.payload, i, 'mongodb');
    });
    const plan = planPublish(queue, messages, payloads, this.serverNow());
    plan.docs.forEach((doc, d) => {
      const size = BSON.calculateObjectSize(doc);
      if (size > MAX_DOCUMENT_BYTES) throw new PayloadTooLargeError(`messages[${plan.inputIndex[d]!}].payload`, size, MAX_DOCUMENT_BYTES, { source: 'mongodb' });
    });
    await this.#refuseTakenIds(queue, messages, session);
    const outcome = await this.inserter.insert(queue, plan.docs, { session, keyTaken: 'duplicate' });
    if (outcome.idTaken.length > 0) {
      // A concurrent publish took a given id between the check and the insert: take back what this batch stored.
      if (session === undefined && outcome.inserted.length > 0) await this.run('taking a refused batch back', () => this.messages.deleteMany({ _id: { $in: outcome.inserted.map((d) => d._id) } }));
      const index = messages.findIndex((m) => m.id === outcome.idTaken[0]!.id);
      throw new DuplicateIdError(queue, messages[index]!.id, `messages[${index}].id`, { source: 'mongodb' });
    }
    if (outcome.inserted.length > 0 && session === undefined) this.#wakes.get(queue)?.notify();
    return publishResult(messages, plan, outcome.duplicates);
  }

  /** A publisher-given id the queue holds (live or dead-lettered) refuses the batch — unless its dedupe key is held (then it is a duplicate). */
  async #refuseTakenIds(queue: string, messages: readonly NewMessage[], session: ClientSession | undefined): Promise<void> {
    const explicit = messages.filter((m) => m.explicitId).map((m) => m.id);
    if (explicit.length === 0) return;
    const opts = session === undefined ? {} : { session };
    const filter = { q: queue, id: { $in: explicit } };
    const [live, dead] = await Promise.all([
      this.run('checking publisher-given ids', () => this.messages.find(filter, { ...opts, projection: { id: 1 } }).toArray()),
      this.run('checking publisher-given ids', () => this.deadLetterDocs.find(filter, { ...opts, projection: { id: 1 } }).toArray()),
    ]);
    const taken = new Set([...live, ...dead].map((d) => d.id));
    if (taken.size === 0) return;
    const keyed = messages.filter((m) => m.explicitId && taken.has(m.id) && m.dedupeKey !== undefined).map((m) => m.dedupeKey!);
    const held = keyed.length === 0 ? new Set<string>() : new Set((await this.run('looking up dedupe keys', () => this.messages.find({ q: queue, dk: { $in: keyed } }, { ...opts, projection: { dk: 1 } }).toArray())).map((d) => d.dk));
    const index = messages.findIndex((m) => m.explicitId && taken.has(m.id) && (m.dedupeKey === undefined || !held.has(m.dedupeKey)));
    if (index >= 0) throw new DuplicateIdError(queue, messages[index]!.id, `messages[${index}].id`, { source: 'mongodb' });
  }

  #sessionOf(value: unknown): ClientSession {
    const session = value as Partial<ClientSession> & { client?: unknown };
    if (typeof value !== 'object' || value === null || typeof session.inTransaction !== 'function' || typeof session.endSession !== 'function') {
      throw new ValidationError('publish.transaction', 'is not a MongoDB ClientSession', 'pass the session whose session.withTransaction(async () => …) you publish in', { source: 'mongodb' });
    }
    if (!session.inTransaction()) {
      throw new ValidationError('publish.transaction', 'is a ClientSession with no transaction in progress', 'publish inside session.withTransaction(async () => …), or leave transaction out', { source: 'mongodb' });
    }
    if (session.client !== undefined && session.client !== this.#options.db.client) {
      throw new ValidationError('publish.transaction', "belongs to another MongoClient than the provider's db", 'start the session on the client of the db you gave mongodb({ db })', { source: 'mongodb' });
    }
    return value as ClientSession;
  }

  receiver(queue: string, options: ReceiverOptions): Receiver {
    this.#checkQueue(queue);
    const receiver = new MongoReceiver(queue, options, this, this.#wake(queue));
    this.#receivers.add(receiver);
    return receiver;
  }

  async stats(queue: string): Promise<QueueStats> {
    this.assertUsable();
    this.#checkQueue(queue);
    const now = this.serverNow();
    const f = statsFilters(queue, new Date(now));
    const [ready, delayed, inFlight, first, deadLettered] = await Promise.all([
      this.run('reading stats', () => this.messages.countDocuments(f.ready, { hint: 'mqkit_claim' })),
      this.run('reading stats', () => this.messages.countDocuments(f.delayed, { hint: 'mqkit_claim' })),
      this.run('reading stats', () => this.messages.countDocuments(f.inFlight, { hint: 'mqkit_claim' })),
      this.run('reading stats', () => this.messages.findOne(f.ready, { sort: CLAIM_SORT, projection: { dueAt: 1, visibleAt: 1 }, hint: 'mqkit_claim' })),
      this.run('reading stats', () => this.deadLetterDocs.countDocuments(deadLetterFilter(queue, new Date(now)))),
    ]);
    return { queue, ready, delayed, inFlight, deadLettered, lagMs: lagMs(first, now) };
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    await this.#shutDown();
  }

  /**
   * For crash tests: this provider dies on the spot, like a killed process. Its receivers stop,
   * its calls fail, and the leases it holds are left to run out in the database, where other
   * providers claim the messages again. The Db and its client are the application's: they stay open.
   */
  simulateCrash(): void {
    if (this.#state !== 'open') return;
    this.#state = 'crashed';
    void this.#shutDown();
  }

  async #shutDown(): Promise<void> {
    clearInterval(this.#sweep);
    for (const receiver of this.#receivers) await receiver.close();
    for (const wake of this.#wakes.values()) wake.notify();
    await this.#watcher?.close();
  }

  assertUsable(): void {
    if (this.#state === 'open') return;
    if (this.#state === 'crashed') throw new Error('[mqkit] [mongodb] this provider crashed (simulateCrash): a dead process settles nothing');
    throw new ClosedError('use of a mongodb provider', { source: 'mongodb' });
  }

  /** One driver call, bounded by operationTimeoutMs, its errors classified. */
  async run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(operation(), this.#options.operationTimeoutMs, what, 'mongodb');
    } catch (error) {
      throw classify(error, what);
    }
  }

  serverNow(): number {
    this.#clock.refreshIfDue();
    return this.#clock.now();
  }

  expired(queue: string, message: Message, at: number): void {
    if (this.#context !== undefined) emitExpired(this.#context.lifecycle, queue, message, at);
  }

  poisonPill(queue: string, letter: DeadLetter, at: number): void {
    if (this.#context !== undefined) emitPoisonPill(this.#context.lifecycle, queue, letter, at);
  }

  undecodable(queue: string, letter: DeadLetter, at: number): void {
    if (this.#context !== undefined) emitUndecodable(this.#context.lifecycle, queue, letter, at);
  }

  #wake(queue: string): QueueWake {
    let wake = this.#wakes.get(queue);
    if (wake === undefined) this.#wakes.set(queue, (wake = new QueueWake()));
    return wake;
  }

  async #housekeeping(): Promise<void> {
    if (this.#state !== 'open') return;
    try {
      await this.run('sweeping dedupe tombstones', () => this.messages.deleteMany(expiredTombstones()));
      if (this.#options.deadLetterRetentionMs !== undefined) await this.run('sweeping old dead letters', () => this.deadLetterDocs.deleteMany(expiredDeadLetters()));
    } catch (error) {
      this.#context?.logger.warn('the sweep (dedupe tombstones, old dead letters) failed; it runs again later, and the TTL indexes delete them meanwhile', { error });
    }
  }

  #checkQueue(queue: string): void {
    checkDeclaredQueue(this.#options.queues, queue, 'mongodb');
  }
}

/** Your MongoDB database as an mqkit provider. See {@link MongoOptions}. */
export function mongodb(options: MongoOptions): MongoProvider {
  return new MongoProvider(options);
}

/** `hello` (MongoDB ≥ 4.4.2), else the older `isMaster`: the topology and the server's clock. */
async function hello(db: ResolvedMongoOptions['db']): Promise<Document> {
  try {
    return await db.command({ hello: 1 });
  } catch (error) {
    if (codeOf(error) === 59) return db.command({ isMaster: 1 }); // CommandNotFound
    throw error;
  }
}

function publishResult(messages: readonly NewMessage[], plan: ReturnType<typeof planPublish>, duplicates: ReadonlyMap<MessageDoc, string>): PublishResult {
  const ids = messages.map((m) => m.id);
  const refs: DuplicateRef[] = [];
  plan.docs.forEach((doc, d) => {
    const holder = duplicates.get(doc);
    if (holder === undefined) return;
    const i = plan.inputIndex[d]!;
    ids[i] = holder;
    refs.push({ index: i, id: holder, dedupeKey: messages[i]!.dedupeKey! });
  });
  for (const [i, first] of plan.sameBatchDuplicates) {
    ids[i] = ids[first]!;
    refs.push({ index: i, id: ids[first]!, dedupeKey: messages[i]!.dedupeKey! });
  }
  refs.sort((a, b) => a.index - b.index);
  return { ids, duplicates: refs };
}
