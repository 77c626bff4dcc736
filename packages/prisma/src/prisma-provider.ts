import {
  ClosedError,
  ConfigError,
  QueueWake,
  checkDeclaredQueue,
  withTimeout,
  DuplicateIdError,
  ValidationError,
  emitExpired,
  emitPoisonPill,
  encodeJsonPayload,
  type Capabilities,
  type CapabilityNotes,
  type DeadLetterStore,
  type Message,
  type NewMessage,
  type ProviderContext,
  type PublishOptions,
  type PublishResult,
  type QueueProvider,
  type QueueStats,
  type Receiver,
  type ReceiverOptions,
  type DuplicateRef,
  capabilitiesExcept,
} from '@mqkit/core';
import { classify, sqlState } from './postgres/errors.js';
import { checkSchema, migrate } from './postgres/migrations.js';
import { channelFor, statementsFor, type Statements } from './postgres/statements.js';
import { PrismaDeadLetters } from './prisma-dead-letters.js';
import { assertPrismaClient, type PrismaQueries } from './prisma-like.js';
import { resolvePrismaOptions, type PgModule, type PrismaOptions, type ResolvedPrismaOptions } from './prisma-options.js';
import { PrismaReceiver, type ReceiverHost } from './prisma-receiver.js';
import type { ClaimRow } from './rows.js';
import { NotificationListener } from './wake/listener.js';
import { NotifyDebouncer } from './wake/notify-debouncer.js';

const CAPABILITIES: Capabilities = capabilitiesExcept(['backpressure']);

const NOTES: CapabilityNotes = Object.freeze({
  backpressure: 'a Postgres table has no capacity: publish never waits for room (watch stats().ready)',
});

type State = 'new' | 'open' | 'crashed' | 'closed';
const SWEEP_ROWS = 10_000;

/**
 * A durable queue in Postgres, through the application's PrismaClient: one statement claims a
 * batch (FOR UPDATE SKIP LOCKED, leases by the server's clock), one settles it (fenced by the
 * claim's token, acked rows deleted at once), one publishes it (dedupe keys, one debounced NOTIFY).
 * A LISTEN connection of its own wakes idle consumers; a timer for the next due message and a
 * polling backstop cover the rest. SQL lives in `src/sql/**.sql`; see the package README.
 */
export class PrismaProvider implements QueueProvider, ReceiverHost {
  readonly name = 'prisma';
  readonly capabilities = CAPABILITIES;
  readonly capabilityNotes = NOTES;
  readonly deadLetters: DeadLetterStore;
  readonly #options: ResolvedPrismaOptions;
  readonly #sql: Statements;
  readonly channel: string;
  readonly #wakes = new Map<string, QueueWake>();
  readonly #receivers = new Set<PrismaReceiver>();
  readonly #debouncer: NotifyDebouncer;
  #listener: NotificationListener | undefined;
  #sweep: ReturnType<typeof setInterval> | undefined;
  #context: ProviderContext | undefined;
  #state: State = 'new';

  constructor(options: PrismaOptions) {
    this.#options = resolvePrismaOptions(options);
    this.#sql = statementsFor(this.#options.schema);
    this.channel = channelFor(this.#options.schema);
    this.#debouncer = new NotifyDebouncer(this.#options.notifyDebounceMs, (queue) => void this.#notify(queue));
    this.deadLetters = new PrismaDeadLetters({
      query: (sql, what, ...params) => this.query(sql, what, ...params),
      checkQueue: (queue) => this.#checkQueue(queue),
      channel: this.channel,
      now: () => this.#context?.clock.now() ?? Date.now(),
    });
  }

  get dedupeWindowMs(): number {
    return this.#options.dedupeWindowMs;
  }

  get pollIntervalMs(): number {
    return this.#options.pollIntervalMs;
  }

  get usable(): boolean {
    return this.#state === 'open';
  }

  /** The schema this provider reads and writes. */
  get schema(): string {
    return this.#options.schema;
  }

  async open(context: ProviderContext): Promise<void> {
    if (this.#state !== 'new') {
      throw new ConfigError('provider', 'this prisma provider was already opened by a queue', 'call prisma({ client }) once per createQueue()', { source: 'prisma' });
    }
    const { client, schema, migrate: mode, listen, pg, sweepIntervalMs } = this.#options;
    try {
      if (mode === 'auto') await migrate(client, schema);
      else await checkSchema(client, schema);
    } catch (error) {
      throw classify(error, schema, 'opening the schema');
    }
    this.#context = context;
    this.#state = 'open';
    if (listen !== undefined) {
      this.#listener = new NotificationListener(() => loadPg(pg), listen, this.channel, {
        onNotify: (queue) => this.#wakes.get(queue)?.notifyOne(),
        onConnected: () => {
          for (const wake of this.#wakes.values()) wake.notify();
        },
        logger: context.logger,
      });
      await this.#listener.start();
    }
    this.#sweep = setInterval(() => void this.#housekeeping(), sweepIntervalMs);
    this.#sweep.unref?.();
  }

  async publish(queue: string, messages: readonly NewMessage[], options: PublishOptions): Promise<PublishResult> {
    this.assertUsable();
    this.#checkQueue(queue);
    const db = options.transaction === undefined ? this.#options.client : transactionOf(options.transaction);
    const payloads = messages.map((m, i) => encodePayload(m.payload, i));
    // A given id the queue holds is refused before writing; one whose dedupe key is held is a
    // reported duplicate instead, which the statement itself decides (a conflict then is a taken id).
    const explicit = messages.filter((m) => m.explicitId).map((m) => m.id);
    const unkeyed = messages.filter((m) => m.explicitId && m.dedupeKey === undefined).map((m) => m.id);
    if (unkeyed.length > 0) await this.#refuseTakenIds(db, queue, messages, unkeyed);
    const notify = options.transaction !== undefined || this.#debouncer.shouldNotify(queue);
    let rows: Array<{ ord: number; stored: boolean; holder: string | null }>;
    try {
      rows = await this.#run(db, this.#sql.publish, 'publishing', queue, batchJson(messages, payloads), this.channel, notify);
    } catch (error) {
      // A concurrent publish took one of the given ids between the check and the insert.
      if (sqlState(error) === '23505' && explicit.length > 0) await this.#refuseTakenIds(db, queue, messages, explicit);
      throw error;
    }
    return this.#publishResult(db, queue, messages, rows);
  }

  async #refuseTakenIds(db: PrismaQueries, queue: string, messages: readonly NewMessage[], candidates: readonly string[]): Promise<void> {
    const taken = await this.#run<{ id: string }>(db, this.#sql.takenIds, 'checking publisher-given ids', queue, candidates);
    if (taken.length === 0) return;
    const held = new Set(taken.map((r) => r.id));
    const index = messages.findIndex((m) => m.explicitId && held.has(m.id));
    throw new DuplicateIdError(queue, messages[index]!.id, `messages[${index}].id`, { source: 'prisma' });
  }

  async #publishResult(db: PrismaQueries, queue: string, messages: readonly NewMessage[], rows: ReadonlyArray<{ ord: number; stored: boolean; holder: string | null }>): Promise<PublishResult> {
    const ids = messages.map((m) => m.id);
    const duplicates: DuplicateRef[] = [];
    const unknownHolder: number[] = [];
    for (const row of rows) {
      const i = row.ord - 1;
      if (row.stored) continue;
      if (row.holder === null) unknownHolder.push(i);
      else {
        ids[i] = row.holder;
        duplicates.push({ index: i, id: row.holder, dedupeKey: messages[i]!.dedupeKey! });
      }
    }
    if (unknownHolder.length > 0) {
      const keys = unknownHolder.map((i) => messages[i]!.dedupeKey!);
      const holders = await this.#run<{ dedupe_key: string; message_id: string }>(db, this.#sql.keyHolders, 'looking up dedupe keys', queue, keys);
      const byKey = new Map(holders.map((h) => [h.dedupe_key, h.message_id]));
      for (const i of unknownHolder) {
        const key = messages[i]!.dedupeKey!;
        const holder = byKey.get(key) ?? messages[i]!.id;
        ids[i] = holder;
        duplicates.push({ index: i, id: holder, dedupeKey: key });
      }
      duplicates.sort((a, b) => a.index - b.index);
    }
    return { ids, duplicates };
  }

  receiver(queue: string, options: ReceiverOptions): Receiver {
    this.#checkQueue(queue);
    const receiver = new PrismaReceiver(queue, options, this, this.#wake(queue));
    this.#receivers.add(receiver);
    return receiver;
  }

  async stats(queue: string): Promise<QueueStats> {
    this.assertUsable();
    this.#checkQueue(queue);
    const [row] = await this.query<{ ready: bigint; delayed: bigint; in_flight: bigint; lag_ms: number | null; dead_lettered: bigint }>('stats', 'reading stats', queue);
    return {
      queue,
      ready: Number(row?.ready ?? 0),
      delayed: Number(row?.delayed ?? 0),
      inFlight: Number(row?.in_flight ?? 0),
      deadLettered: Number(row?.dead_lettered ?? 0),
      lagMs: row?.lag_ms === null || row?.lag_ms === undefined ? 0 : Math.max(0, Math.round(row.lag_ms)),
    };
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    await this.#shutDown();
  }

  /**
   * For crash tests: this provider dies on the spot, like a killed process. Its receivers stop,
   * its calls fail, and the leases it holds are left to run out in the database, where other
   * providers claim the messages again. The PrismaClient is the application's: it stays open.
   */
  simulateCrash(): void {
    if (this.#state !== 'open') return;
    this.#state = 'crashed';
    void this.#shutDown();
  }

  async #shutDown(): Promise<void> {
    clearInterval(this.#sweep);
    this.#debouncer.close();
    for (const receiver of this.#receivers) await receiver.close();
    for (const wake of this.#wakes.values()) wake.notify();
    await this.#listener?.close();
  }

  assertUsable(): void {
    if (this.#state === 'open') return;
    if (this.#state === 'crashed') throw new Error('[mqkit] [prisma] this provider crashed (simulateCrash): a dead process settles nothing');
    throw new ClosedError('use of a prisma provider', { source: 'prisma' });
  }

  /** ReceiverHost / DeadLetterHost: one statement through the client. */
  query<T>(sql: keyof Statements, what: string, ...params: unknown[]): Promise<T[]> {
    return this.#run<T>(this.#options.client, this.#sql[sql], what, ...params);
  }

  async #run<T>(db: PrismaQueries, sql: string, what: string, ...params: unknown[]): Promise<T[]> {
    try {
      return await withTimeout(db.$queryRawUnsafe<T[]>(sql, ...params), this.#options.operationTimeoutMs, what, 'prisma');
    } catch (error) {
      throw classify(error, this.#options.schema, what);
    }
  }

  expired(queue: string, message: Message, at: number): void {
    if (this.#context !== undefined) emitExpired(this.#context.lifecycle, queue, message, at);
  }

  poisonPill(queue: string, message: Message, error: ClaimRow['last_error'], at: number): void {
    if (this.#context === undefined) return;
    const letter = {
      message,
      reason: 'poison-pill' as const,
      error: error ?? { name: 'LeaseExpired', message: `delivered ${message.attempt} times and never settled: its consumers died or hung past the lease each time` },
      deadLetteredAt: at,
    };
    emitPoisonPill(this.#context.lifecycle, queue, letter, at);
  }

  #wake(queue: string): QueueWake {
    let wake = this.#wakes.get(queue);
    if (wake === undefined) this.#wakes.set(queue, (wake = new QueueWake()));
    return wake;
  }

  async #notify(queue: string): Promise<void> {
    if (this.#state !== 'open') return;
    await this.#options.client.$queryRawUnsafe('SELECT pg_notify($1, $2)', this.channel, queue).catch((error: unknown) => {
      this.#context?.logger.warn('a trailing NOTIFY failed; consumers elsewhere find the message at their next poll', { queue, error });
    });
  }

  async #housekeeping(): Promise<void> {
    if (this.#state !== 'open') return;
    try {
      await this.query('sweep', 'housekeeping', this.#options.deadLetterRetentionMs ?? null, SWEEP_ROWS);
    } catch (error) {
      this.#context?.logger.warn('housekeeping (expired dedupe keys, old dead letters) failed; it runs again later', { error });
    }
  }

  #checkQueue(queue: string): void {
    checkDeclaredQueue(this.#options.queues, queue, 'prisma');
  }
}

/** Your PrismaClient as an mqkit provider. See {@link PrismaOptions}. */
export function prisma(options: PrismaOptions): PrismaProvider {
  return new PrismaProvider(options);
}

function transactionOf(value: unknown): PrismaQueries {
  try {
    assertPrismaClient(value, 'publish.transaction', true);
  } catch (error) {
    throw new ValidationError('publish.transaction', 'is not a Prisma transaction client', 'pass the `tx` your prisma.$transaction(async (tx) => …) callback receives', { source: 'prisma', cause: error });
  }
  return value;
}

/** JSON text for a jsonb column: also refuses what JSON carries but Postgres' jsonb does not (a NUL character). */
function encodePayload(payload: unknown, index: number): string {
  const text = encodeJsonPayload(payload, index, 'prisma');
  if (text.includes('\\u0000')) {
    throw new ValidationError(`messages[${index}].payload`, 'contains a NUL character (\\u0000), which Postgres jsonb cannot store', 'remove NUL characters from strings in the payload (or base64-encode binary data)', { source: 'prisma' });
  }
  return text;
}

async function loadPg(given: PgModule | undefined): Promise<PgModule> {
  if (given !== undefined) return given;
  try {
    const mod = (await import('pg')) as unknown as { default?: PgModule } & PgModule;
    return mod.default ?? mod;
  } catch (error) {
    throw new ConfigError('prisma.listen', 'needs the pg package, which is not installed', 'npm install pg (the LISTEN connection uses it), or leave listen out to poll', { source: 'prisma', cause: error });
  }
}

/**
 * The batch as the one JSON parameter publish.sql reads: each payload's JSON text spliced in as
 * it is (it was encoded and checked once), the other fields only where they differ from what the
 * statement assumes when a key is missing (publish.sql's coalesces). One string parameter is far
 * cheaper for a client to pass than a dozen arrays of a thousand elements, and Postgres spends
 * most of json_to_recordset's time on keys: the slim form parses ~4x faster than one with every
 * key. The ms columns are whole milliseconds; delay and ttl go as given (fractions allowed).
 */
function batchJson(messages: readonly NewMessage[], payloads: readonly string[]): string {
  const parts = new Array<string>(messages.length);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    let json = `{"payload":${payloads[i]!},"ord":${i + 1},"id":${JSON.stringify(m.id)},"created_at":${Math.round(m.createdAt)}`;
    if (m.type !== DEFAULT_TYPE) json += `,"type":${JSON.stringify(m.type)}`;
    if (hasKeys(m.headers)) json += `,"headers":${JSON.stringify(m.headers)}`;
    if (m.runAt !== m.createdAt) json += `,"delay_ms":${m.runAt - m.createdAt},"run_at_ms":${Math.round(m.runAt)}`;
    if (m.expiresAt !== undefined) json += `,"ttl_ms":${m.expiresAt - m.createdAt},"expires_at_ms":${Math.round(m.expiresAt)}`;
    if (m.maxAttempts !== undefined) json += `,"max_attempts":${m.maxAttempts}`;
    if (m.partitionKey !== undefined) json += `,"partition_key":${JSON.stringify(m.partitionKey)}`;
    if (m.dedupeKey !== undefined) json += `,"dedupe_key":${JSON.stringify(m.dedupeKey)}`;
    if (m.explicitId) json += ',"explicit_id":true';
    parts[i] = json + '}';
  }
  return `[${parts.join(',')}]`;
}

/** The type core gives a message published without one; publish.sql stores it for a missing key. */
const DEFAULT_TYPE = 'default';

function hasKeys(headers: object): boolean {
  for (const _ in headers) return true;
  return false;
}
