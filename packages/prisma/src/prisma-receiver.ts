import { randomUUID } from 'node:crypto';
import { LeaseLostError, linkSignals, serializeError, type Claim, type QueueWake, type Message, type Receiver, type ReceiverOptions, type SettleResult, type Settlement } from '@mqkit/core';
import type { ClaimRow } from './rows.js';
import { toMessage } from './rows.js';

/** What a receiver needs from its provider. */
export interface ReceiverHost {
  /** Runs one statement (bounded by operationTimeoutMs, errors classified). */
  query<T>(sql: 'claim' | 'ack' | 'ackById' | 'settle' | 'renew' | 'nextVisible', what: string, ...params: unknown[]): Promise<T[]>;
  readonly dedupeWindowMs: number;
  readonly pollIntervalMs: number;
  /** Throws once the provider is closed or crashed. */
  assertUsable(): void;
  readonly usable: boolean;
  expired(queue: string, message: Message, at: number): void;
  poisonPill(queue: string, message: Message, error: ClaimRow['last_error'], at: number): void;
}

/** A claim as this provider hands it out: the token fences every row of it. */
interface PrismaClaim extends Claim {
  readonly ids: readonly string[];
  /** Each row's ctid, by position in `ids`: where claim.sql or the last renewal left it. */
  readonly tids: string[];
}

/**
 * One consumer's window on a queue. `receive` claims in one statement (claim.sql); when nothing is
 * claimable it waits for a NOTIFY, the next message's visibility time, or the polling backstop,
 * then claims again. `settle` and `renew` are one fenced statement each.
 */
export class PrismaReceiver implements Receiver {
  #closed = false;
  readonly #closing = new AbortController();

  constructor(
    private readonly queue: string,
    private readonly options: ReceiverOptions,
    private readonly host: ReceiverHost,
    private readonly wake: QueueWake,
  ) {}

  async receive(max: number, signal: AbortSignal): Promise<Claim | null> {
    for (let first = true; ; first = false) {
      if (this.#closed || !this.host.usable) return null;
      // An aborted signal still takes what is ready — once; after a wait it means "stop asking".
      if (!first && signal.aborted) return null;
      const claim = await this.#claim(max);
      if (claim !== undefined) {
        if (claim !== null) return claim;
        continue; // only expired or poison-pill messages: there may be more behind them
      }
      if (signal.aborted || this.#closed) return null;
      const [next] = await this.host.query<{ in_ms: number | null }>('nextVisible', 'looking for the next message', this.queue);
      const inMs = next?.in_ms ?? null;
      const waitMs = Math.max(1, Math.min(this.host.pollIntervalMs, inMs === null ? Infinity : Math.ceil(inMs) + 1));
      const link = linkSignals([signal, this.#closing.signal]);
      try {
        await this.wake.wait(waitMs, link.signal);
      } finally {
        link.dispose();
      }
    }
  }

  /** A claim; `null`: only messages that were set aside (retry at once); `undefined`: nothing claimable. */
  async #claim(max: number): Promise<Claim | null | undefined> {
    const { consumerId, leaseMs, maxAttempts, ordered } = this.options;
    const token = randomUUID();
    const rows = await this.host.query<ClaimRow>('claim', 'claiming messages', this.queue, max, consumerId, token, leaseMs, maxAttempts, ordered, this.host.dedupeWindowMs);
    if (rows.length === 0) return undefined;
    const claimed: ClaimRow[] = [];
    const now = Date.now();
    for (const row of rows) {
      if (row.kind === 'claimed') claimed.push(row);
      else if (row.kind === 'expired') this.host.expired(this.queue, toMessage(this.queue, row, maxAttempts), now);
      else this.host.poisonPill(this.queue, toMessage(this.queue, row, maxAttempts), row.last_error, now);
    }
    // A full claim: there may be more, for a slot still asleep (a NOTIFY woke only one).
    if (rows.length >= max) this.wake.notifyOne();
    if (claimed.length === 0) return null;
    claimed.sort((a, b) => (a.rn ?? 0) - (b.rn ?? 0));
    const messages = claimed.map((row) => toMessage(this.queue, row, maxAttempts));
    const claim: PrismaClaim = {
      id: `${this.queue}:${token}`,
      token,
      messages,
      ids: messages.map((m) => m.id),
      tids: claimed.map((row) => row.tid!),
      leaseExpiresAt: Math.round(Math.max(...claimed.map((r) => r.lease_ms ?? 0))),
    };
    return claim;
  }

  async settle(claim: Claim, settlement: Settlement): Promise<SettleResult | void> {
    this.host.assertUsable();
    const { ids, tids } = claim as PrismaClaim;
    let applied: Array<{ id: string }>;
    if (settlement.ack === claim.messages) {
      applied = await this.host.query('ack', 'acking a batch', this.queue, claim.token, arrayLiteral(tids), this.host.dedupeWindowMs);
      if (applied.length < ids.length) {
        // Rows not where the claim last saw them: settle the rest by id (still fenced by the token).
        const done = new Set(applied.map((r) => r.id));
        const rest = ids.filter((id) => !done.has(id));
        applied = applied.concat(await this.host.query<{ id: string }>('ackById', 'acking a batch', this.queue, claim.token, rest, this.host.dedupeWindowMs));
      }
    } else {
      const rows: Array<[id: string, kind: string, delay: number | null, error: string | null, reason: string | null, runAt: number | null]> = [];
      for (const m of settlement.ack) rows.push([m.id, 'ack', null, null, null, null]);
      for (const r of settlement.retry) rows.push([r.message.id, 'retry', r.delayMs, JSON.stringify(r.error), null, Math.round(r.runAt)]);
      for (const d of settlement.deadLetter) rows.push([d.message.id, 'dead', null, JSON.stringify(d.error ?? serializeError(undefined)), d.reason, null]);
      for (const m of settlement.release) rows.push([m.id, 'release', null, null, null, null]);
      applied = await this.host.query(
        'settle',
        'settling a batch',
        this.queue,
        claim.token,
        rows.map((r) => r[0]),
        rows.map((r) => r[1]),
        rows.map((r) => r[2]),
        rows.map((r) => r[3]),
        rows.map((r) => r[4]),
        this.host.dedupeWindowMs,
        rows.map((r) => r[5]),
      );
    }
    if (applied.length === ids.length) return;
    if (applied.length === 0) throw new LeaseLostError(undefined, { source: 'prisma' });
    const done = new Set(applied.map((r) => r.id));
    return { lost: ids.filter((id) => !done.has(id)) };
  }

  async renew(claim: Claim, leaseMs: number): Promise<number> {
    this.host.assertUsable();
    const { ids, tids } = claim as PrismaClaim;
    const rows = await this.host.query<{ id: string; tid: string; lease_ms: number }>('renew', 'renewing a lease', this.queue, claim.token, ids, leaseMs);
    if (rows.length === 0) throw new LeaseLostError(undefined, { source: 'prisma' });
    const moved = new Map(rows.map((r) => [r.id, r.tid]));
    for (let i = 0; i < ids.length; i++) tids[i] = moved.get(ids[i]!) ?? tids[i]!;
    return Math.round(Math.max(...rows.map((r) => r.lease_ms)));
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#closing.abort();
  }
}

/** A Postgres array literal of ctids ('(0,1)' needs no escaping). */
function arrayLiteral(tids: readonly string[]): string {
  return `{${tids.map((t) => `"${t}"`).join(',')}}`;
}
