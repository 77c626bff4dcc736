import type { Message } from '@mqkit/core';
import type { AttemptEntry, SettleItem } from '../coordination/coordination-store.js';
import type { ShardInfo } from '../kinesis/kinesis-api.js';
import type { DecodedMessage, RawRecord } from '../producer/record-codec.js';
import { AttemptLedger } from './attempt-ledger.js';
import type { ReadRecord, ShardReader } from './shard-reader.js';

/** A record of the shard past its checkpoint. */
export interface BufferedRecord {
  readonly position: string;
  readonly raw: RawRecord;
  state: 'pending' | 'out' | 'done';
}

/** Records of one shard in a claim. */
export interface ClaimPart {
  readonly shard: ShardConsumer;
  readonly epoch: number;
  readonly records: readonly BufferedRecord[];
  readonly messages: readonly Message[];
}

/** A record set aside at receive instead of delivered. */
export interface SetAside {
  readonly record: BufferedRecord;
  readonly kind: 'expired' | 'poison-pill' | 'undecodable';
  readonly message: Message;
  readonly error: { readonly name: string; readonly message: string; readonly code?: string | undefined; readonly stack?: string | undefined } | undefined;
}

/** How one record of a claim was settled. */
export type RecordOutcome =
  | { readonly kind: 'ack' }
  | { readonly kind: 'release' }
  | { readonly kind: 'retry'; readonly error: string; readonly runAt: number; readonly delayMs: number }
  | { readonly kind: 'dead'; readonly letter: string; readonly id: string };

/**
 * One shard this worker holds a lease on (the KCL's ShardConsumer): its epoch, its records past the
 * checkpoint, what of them is out in a claim, when a retried head may go again. One claim at a
 * time; records in shard order; a record that failed or was abandoned goes alone.
 */
export class ShardConsumer {
  readonly shardId: string;
  readonly info: ShardInfo;
  epoch: number;
  /** Last checkpoint written (or read at start). */
  checkpoint: string | undefined;
  /** Done records popped at the head that no checkpoint covers yet. */
  carry: string | undefined;
  readonly ledger: AttemptLedger;
  readonly buffer: BufferedRecord[] = [];
  reader: ShardReader | undefined;
  /** The claim out on this shard (its token), if any. */
  claimToken: string | undefined;
  /** Monotonic ms before which the head (a retried record) waits. */
  notBefore = 0;
  /** A live worker asked for this shard: hand it over between claims (see `canHandOver`). */
  wantedBy = '';
  /** A claim of it settled since it was asked for. */
  settledSinceWanted = false;
  /** Its reader answered at least once (so an empty buffer means nothing is waiting). */
  readOnce = false;
  /** The reader reached SHARD_END. */
  ended = false;
  /** Aborted when the lease is lost, stolen or given up. */
  readonly lost = new AbortController();
  /** Monotonic ms until which the last renewal surely holds the lease. */
  validUntil: number;
  /** Being finished (SHARD_END): the balancing cycle leaves it alone. */
  finishing = false;
  /** A set-aside write is in progress (receives skip the shard meanwhile). */
  busy = false;
  /** MillisBehindLatest from the last read. */
  lagMs: number | undefined;

  constructor(info: ShardInfo, epoch: number, checkpoint: string | undefined, attempts: readonly AttemptEntry[], validUntil: number) {
    this.shardId = info.shardId;
    this.info = info;
    this.epoch = epoch;
    this.checkpoint = checkpoint;
    this.ledger = new AttemptLedger(attempts);
    this.validUntil = validUntil;
  }

  get token(): string {
    return `${this.shardId}:${this.epoch}`;
  }

  get live(): boolean {
    return !this.lost.signal.aborted;
  }

  /** Records read and not settled (about: done-ahead records still in the buffer count too). */
  get unsettled(): number {
    return this.buffer.length;
  }

  add(records: readonly ReadRecord[]): void {
    for (const r of records) this.buffer.push({ position: r.position, raw: r.raw, state: this.ledger.done(r.position) ? 'done' : 'pending' });
  }

  /** The first record not settled, after popping the done ones at the head into `carry`. */
  head(): BufferedRecord | undefined {
    const done = this.#donePrefix();
    if (done > 0) {
      this.carry = this.buffer[done - 1]!.position;
      this.buffer.splice(0, done); // once: a shift per record would move the whole buffer each time
    }
    return this.buffer[0];
  }

  #donePrefix(): number {
    let n = 0;
    while (n < this.buffer.length && this.buffer[n]!.state === 'done') n++;
    return n;
  }

  /** May contribute records to a claim now. */
  ready(now: number): boolean {
    if (!this.live || this.busy || this.claimToken !== undefined || now < this.notBefore) return false;
    const head = this.head();
    return head !== undefined && head.state === 'pending';
  }

  /**
   * A hand-over costs no batch: no claim is out, and either a claim settled since the shard was
   * asked for (what is buffered is only read again by the new owner) or nothing is waiting in it.
   * Records read but not yet claimed keep it until they went out once, so the worker that read
   * them first processes them.
   */
  canHandOver(): boolean {
    if (this.wantedBy === '' || this.claimToken !== undefined || this.busy || !this.live) return false;
    return this.settledSinceWanted || (this.readOnce && this.head() === undefined);
  }

  /** Finished: the reader reached SHARD_END and nothing is left to settle. */
  get drained(): boolean {
    return this.ended && this.claimToken === undefined && this.head() === undefined;
  }

  /**
   * The settle item for `outcomes` of `records` (this shard's part of a claim, in order), and the
   * changes to make once Redis applied it. Nothing changes until `commit` is called.
   */
  plan(token: string, records: readonly BufferedRecord[], outcomes: readonly RecordOutcome[]): { item: SettleItem; commit: () => { checkpoint: string | undefined; retryDelayMs: number | undefined } } {
    const states = new Map<BufferedRecord, BufferedRecord['state']>();
    const ahead: string[] = [];
    const dead: Array<readonly [string, string, string]> = [];
    const retry: Array<readonly [string, string, number]> = [];
    let retryDelayMs: number | undefined;
    let waiting = false; // a record before this one is not settled
    for (const r of this.buffer) {
      if (r.state === 'pending') waiting = true;
      if (r === records[0]) break;
    }
    records.forEach((r, i) => {
      const o = outcomes[i]!;
      if (o.kind === 'ack' || o.kind === 'dead') {
        states.set(r, 'done');
        if (o.kind === 'dead') dead.push([o.id, r.position, o.letter]);
        if (waiting) ahead.push(r.position);
      } else {
        states.set(r, 'pending');
        waiting = true;
        if (o.kind === 'retry') {
          retry.push([r.position, o.error, o.runAt]);
          retryDelayMs ??= o.delayMs;
        }
      }
    });
    // The new checkpoint: the end of the leading run of settled records.
    let cp = this.carry;
    for (const r of this.buffer) {
      const state = states.get(r) ?? r.state;
      if (state !== 'done') break;
      cp = r.position;
    }
    const item: SettleItem = {
      s: this.shardId,
      e: this.epoch,
      k: token,
      ...(cp !== undefined && cp !== this.checkpoint ? { cp } : {}),
      ...(retry.length > 0 ? { retry } : {}),
      ...(dead.length > 0 ? { dead } : {}),
      ...(ahead.length > 0 ? { ahead } : {}),
    };
    const commit = (): { checkpoint: string | undefined; retryDelayMs: number | undefined } => {
      for (const [r, state] of states) r.state = state;
      for (const [position, err, r] of retry) this.ledger.add({ f: position, t: position, n: 1, err, r });
      for (const p of ahead) this.ledger.add({ f: p, t: p, n: 0, d: 1 });
      let moved: string | undefined;
      if (item.cp !== undefined) {
        this.checkpoint = item.cp;
        this.carry = undefined;
        this.ledger.prune(item.cp);
        moved = item.cp;
        this.buffer.splice(0, this.#donePrefix());
      }
      if (this.claimToken === token) this.claimToken = undefined;
      if (this.wantedBy !== '') this.settledSinceWanted = true;
      return { checkpoint: moved, retryDelayMs };
    };
    return { item, commit };
  }

  /** The claim on this shard was given up unsettled: its records count an attempt and go alone. */
  abandon(token: string, records: readonly BufferedRecord[]): void {
    if (this.claimToken !== token) return;
    this.claimToken = undefined;
    for (const r of records) if (r.state === 'out') r.state = 'pending';
    const first = records[0];
    const last = records[records.length - 1];
    if (first !== undefined && last !== undefined) this.ledger.add({ f: first.position, t: last.position, n: 1, a: 1 });
  }

  /** Hands the records of a claim that was never handed out back. */
  unreserve(token: string, records: readonly BufferedRecord[]): void {
    if (this.claimToken === token) this.claimToken = undefined;
    for (const r of records) if (r.state === 'out') r.state = 'pending';
  }

  /** A message of the record as this delivery gets it: a new object, its attempt from the ledger. */
  static message(queue: string, position: string, decoded: DecodedMessage, ledger: AttemptLedger, defaultMaxAttempts: number): Message {
    return {
      id: decoded.id,
      queue,
      type: decoded.type,
      payload: decoded.payload,
      createdAt: decoded.createdAt,
      runAt: ledger.runAt(position) ?? decoded.runAt,
      expiresAt: decoded.expiresAt,
      attempt: ledger.attempt(position),
      maxAttempts: decoded.maxAttempts ?? defaultMaxAttempts,
      partitionKey: decoded.partitionKey,
      dedupeKey: decoded.dedupeKey,
      headers: decoded.headers,
    };
  }
}
