import { LeaseLostError, QueueWake, emitExpired, emitPoisonPill, emitUndecodable, linkSignals, serializeError, type Claim, type DeadLetter, type LinkedSignal, type Message, type ReceiverOptions, type SettleResult, type Settlement } from '@mqkit/core';
import type { DecodedMessage } from '../producer/record-codec.js';
import { remember } from './record-info.js';
import { ShardConsumer, type BufferedRecord, type ClaimPart, type RecordOutcome } from './shard-consumer.js';
import type { DeskHost } from './desk-host.js';
import { emit } from './worker-context.js';

const mono = (): number => performance.now();

/** A claim out: its parts, and the watchdog that gives it up if core stops renewing it. */
interface LiveClaim {
  readonly claim: Claim;
  readonly key: string;
  readonly parts: readonly ClaimPart[];
  readonly index: Map<Message, { part: ClaimPart; i: number }>;
  readonly link: LinkedSignal;
  deadline: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  settling: boolean;
}

type Verdict = { readonly kind: 'ok'; readonly decoded: DecodedMessage } | { readonly kind: 'expired' | 'poison-pill'; readonly decoded: DecodedMessage } | { readonly kind: 'undecodable'; readonly error: unknown };

/** How long past a claim's lease (by this clock) the desk waits before it takes the claim as abandoned. */
function grace(leaseMs: number): number {
  return leaseMs + Math.max(100, Math.round(leaseMs / 4));
}

/**
 * Hands out and settles claims over the shards a worker owns. A claim takes records from the
 * head of one or more shards (one claim per shard at a time), in shard order; a record that
 * failed or was abandoned before goes in a claim of its own. Records that cannot be delivered are
 * set aside at receive: expired ones dropped (`message.expired`), poison pills (delivered more
 * than maxAttempts times, never settled) and undecodable ones dead-lettered — each with the
 * checkpoint moved past it in the same Redis step. A claim core stops renewing (its lease ran out
 * by core's clock, a settle never came) is taken as abandoned: its records count an attempt and
 * the shard is handed to the least-loaded peer, so a healthy worker goes on with it.
 */
export class ClaimDesk {
  readonly #claims = new Map<string, LiveClaim>();
  readonly #wake = new QueueWake();
  readonly #lagAt = new Map<string, number>();
  #seq = 0;
  #rotate = 0;
  #closed = false;

  constructor(private readonly worker: DeskHost) {}

  get inFlight(): number {
    let n = 0;
    for (const c of this.#claims.values()) n += c.claim.messages.length;
    return n;
  }

  /** Something a waiting receive may care about happened. */
  changed(): void {
    this.#wake.notify();
  }

  close(): void {
    this.#closed = true;
    this.changed();
  }

  reopen(): void {
    this.#closed = false;
  }

  crash(): void {
    this.#closed = true;
    for (const c of this.#claims.values()) if (c.timer !== undefined) clearTimeout(c.timer);
    this.changed();
  }

  /** Resolves once no claim is out (each settles, or its watchdog gives it up). */
  async drained(): Promise<void> {
    const never = new AbortController().signal;
    while (this.#claims.size > 0) await this.#wake.wait(60_000, never);
  }

  #wait(signal: AbortSignal, ms: number): Promise<void> {
    return this.#wake.wait(ms, signal);
  }

  /** The lag of a shard, as MillisBehindLatest said; a `lag` event at most once a second per shard. */
  lag(shard: ShardConsumer, ms: number): void {
    shard.lagMs = ms;
    const ctx = this.worker.ctx;
    const now = mono();
    if ((this.#lagAt.get(shard.shardId) ?? -Infinity) + 1_000 > now) return;
    this.#lagAt.set(shard.shardId, now);
    emit(ctx, 'lag', { queue: ctx.queue, shardId: shard.shardId, ms, messages: undefined, at: ctx.clock.now() });
  }

  /** A new owner of a shard: a head record waiting for its retry waits (capped) before it goes again. */
  holdRetriedHead(shard: ShardConsumer): void {
    const head = shard.head();
    if (head === undefined) return;
    const runAt = shard.ledger.runAt(head.position);
    if (runAt === undefined) return;
    const wait = Math.min(Math.max(0, runAt - Date.now()), this.worker.ctx.options.maxRetryDelayMs);
    if (wait > 0) this.#holdUntil(shard, mono() + wait);
  }

  #holdUntil(shard: ShardConsumer, until: number): void {
    shard.notBefore = Math.max(shard.notBefore, until);
    setTimeout(() => this.changed(), Math.max(0, until - mono()) + 1).unref?.();
  }

  async receive(max: number, signal: AbortSignal, options: ReceiverOptions): Promise<Claim | null> {
    await this.worker.ready();
    if (signal.aborted) {
      // "What is ready now": what one read of each shard finds.
      await this.#readNow();
      return this.#closed ? null : this.#assemble(max, options);
    }
    for (;;) {
      if (this.#closed || !this.worker.running) return null;
      const claim = await this.#assemble(max, options);
      if (claim !== null) return claim;
      if (signal.aborted) return null;
      await this.#wait(signal, 1_000);
      if (signal.aborted) return null;
    }
  }

  async #readNow(): Promise<void> {
    const reads = [...this.worker.shards.values()].map((s) => s.reader?.nextRead() ?? Promise.resolve());
    await Promise.race([Promise.all(reads), new Promise((resolve) => setTimeout(resolve, 2_000).unref?.())]);
  }

  /** One claim from the ready shards, or null when none has anything to hand out now. */
  async #assemble(max: number, options: ReceiverOptions): Promise<Claim | null> {
    for (let round = 0; round < 8; round++) {
      const now = mono();
      const shards = [...this.worker.shards.values()];
      const start = this.#rotate++ % Math.max(1, shards.length);
      const ordered = [...shards.slice(start), ...shards.slice(0, start)];
      const key = `c${++this.#seq}`;
      const parts: ClaimPart[] = [];
      let remaining = max;
      for (const shard of ordered) {
        if (remaining <= 0) break;
        if (!shard.ready(now) || now >= shard.validUntil) continue;
        await this.#setAside(shard, options);
        if (!shard.ready(mono())) continue;
        const part = this.#take(shard, key, remaining, options, parts.length === 0);
        if (part === undefined) continue;
        parts.push(part);
        remaining -= part.records.length;
        if (part.alone) break;
      }
      if (parts.length === 0) return null;
      const lost = await this.#mark(key, parts);
      const kept = parts.filter((p) => !lost.includes(p.shard.shardId));
      for (const p of parts) if (lost.includes(p.shard.shardId)) this.worker.loseShard(p.shard, 'its lease was gone when a claim was handed out');
      if (kept.length > 0) return this.#open(key, kept, options);
    }
    return null;
  }

  async #mark(key: string, parts: readonly ClaimPart[]): Promise<string[]> {
    const { ctx } = this.worker;
    try {
      return await ctx.redis('mark', () =>
        ctx.store.mark(
          ctx.me,
          parts.map((p) => ({ shard: p.shard.shardId, epoch: p.epoch, first: p.records[0]!.position, last: p.records[p.records.length - 1]!.position, token: key })),
        ),
      );
    } catch (error) {
      for (const p of parts) p.shard.unreserve(key, p.records);
      this.changed();
      throw error;
    }
  }

  #verdict(shard: ShardConsumer, record: BufferedRecord, options: ReceiverOptions): Verdict {
    let decoded: DecodedMessage;
    try {
      decoded = this.worker.ctx.options.codec.decode(record.raw);
    } catch (error) {
      return { kind: 'undecodable', error };
    }
    if (decoded.expiresAt !== undefined && decoded.expiresAt <= Date.now()) return { kind: 'expired', decoded };
    const maxAttempts = decoded.maxAttempts ?? options.maxAttempts;
    if (shard.ledger.attempt(record.position) > maxAttempts) return { kind: 'poison-pill', decoded };
    return { kind: 'ok', decoded };
  }

  /** Takes up to `max` records from the shard's head into a claim part (records reserved at once). */
  #take(shard: ShardConsumer, key: string, max: number, options: ReceiverOptions, first: boolean): (ClaimPart & { alone: boolean }) | undefined {
    const { ctx } = this.worker;
    const records: BufferedRecord[] = [];
    const messages: Message[] = [];
    let alone = false;
    for (const r of shard.buffer) {
      if (records.length >= max) break;
      if (r.state === 'done') continue;
      if (r.state === 'out') break;
      const v = this.#verdict(shard, r, options);
      if (v.kind !== 'ok') break; // set aside first, once it is the head
      if (shard.ledger.alone(r.position)) {
        if (records.length > 0 || !first) break;
        alone = true;
      }
      const message = ShardConsumer.message(ctx.queue, r.position, v.decoded, shard.ledger, options.maxAttempts);
      remember(message, { stream: ctx.stream, shardId: shard.shardId, sequenceNumber: r.raw.sequenceNumber, subSequenceNumber: r.raw.subSequenceNumber, epoch: shard.epoch });
      records.push(r);
      messages.push(message);
      if (alone) break;
    }
    if (records.length === 0) return undefined;
    for (const r of records) r.state = 'out';
    shard.claimToken = key;
    return { shard, epoch: shard.epoch, records, messages, alone };
  }

  /** Expired, poison-pill and undecodable records at the shard's head leave it, in one Redis step. */
  async #setAside(shard: ShardConsumer, options: ReceiverOptions): Promise<void> {
    const { ctx } = this.worker;
    const aside: Array<{ record: BufferedRecord; kind: 'expired' | 'poison-pill' | 'undecodable'; message: Message; error: DeadLetter['error'] }> = [];
    for (const r of shard.buffer) {
      if (r.state === 'done') continue;
      if (r.state !== 'pending') break;
      const v = this.#verdict(shard, r, options);
      if (v.kind === 'ok') break;
      if (v.kind === 'undecodable') {
        aside.push({ record: r, kind: v.kind, message: this.#opaque(shard, r), error: serializeError(v.error) });
      } else {
        const message = ShardConsumer.message(ctx.queue, r.position, v.decoded, shard.ledger, options.maxAttempts);
        const delivered = { ...message, attempt: message.attempt - 1 };
        const error = shard.ledger.lastError(r.position) ?? { name: 'Abandoned', message: `delivered ${delivered.attempt} times and never settled: its consumers died or hung past the lease each time` };
        aside.push({ record: r, kind: v.kind, message: v.kind === 'expired' ? message : delivered, error });
      }
    }
    if (aside.length === 0) return;
    const at = ctx.clock.now();
    const letters = aside.map((a) => ({ message: a.message, reason: a.kind === 'expired' ? undefined : a.kind, error: a.error, deadLetteredAt: at }));
    const outcomes: RecordOutcome[] = aside.map((a, i) => {
      const l = letters[i]!;
      return l.reason === undefined ? { kind: 'ack' } : { kind: 'dead', id: a.message.id, letter: JSON.stringify(l) };
    });
    shard.busy = true;
    try {
      const { item, commit } = shard.plan('', aside.map((a) => a.record), outcomes);
      const lost = await ctx.redis('set aside', () => ctx.store.settle(ctx.me, [item]));
      if (lost.length > 0) return this.worker.loseShard(shard, 'its lease was gone when records were set aside');
      const moved = commit();
      aside.forEach((a, i) => {
        const l = letters[i]!;
        if (a.kind === 'expired') emitExpired(ctx.lifecycle, ctx.queue, a.message, at);
        else if (a.kind === 'poison-pill') emitPoisonPill(ctx.lifecycle, ctx.queue, l as DeadLetter, at, shard.shardId);
        else emitUndecodable(ctx.lifecycle, ctx.queue, l as DeadLetter, at);
      });
      this.#checkpointed(shard, moved.checkpoint);
    } finally {
      shard.busy = false;
    }
  }

  /** A record that cannot be decoded, as a message: its data kept as base64, nothing lost. */
  #opaque(shard: ShardConsumer, r: BufferedRecord): Message {
    const { ctx } = this.worker;
    return {
      id: `${shard.shardId}:${r.position}`,
      queue: ctx.queue,
      type: 'undecodable',
      payload: Buffer.from(r.raw.data).toString('base64'),
      createdAt: r.raw.arrivalMs,
      runAt: r.raw.arrivalMs,
      expiresAt: undefined,
      attempt: 1,
      maxAttempts: 1,
      partitionKey: r.raw.partitionKey,
      dedupeKey: undefined,
      headers: {},
    };
  }

  #open(key: string, parts: readonly ClaimPart[], options: ReceiverOptions): Claim {
    const { ctx } = this.worker;
    const link = linkSignals(parts.map((p) => p.shard.lost.signal));
    const messages = parts.flatMap((p) => p.messages);
    const index = new Map<Message, { part: ClaimPart; i: number }>();
    for (const part of parts) part.messages.forEach((m, i) => index.set(m, { part, i }));
    const claim: Claim = {
      id: `${ctx.stream}/${ctx.me}/${key}`,
      token: `${parts.map((p) => `${p.shard.shardId}:${p.epoch}`).join(',')}#${key}`,
      messages,
      leaseExpiresAt: Date.now() + options.leaseMs,
      shardId: parts.length === 1 ? parts[0]!.shard.shardId : undefined,
      signal: link.signal,
    };
    const live: LiveClaim = { claim, key, parts, index, link, deadline: mono() + grace(options.leaseMs), timer: undefined, settling: false };
    this.#claims.set(claim.id, live);
    this.#arm(live);
    return claim;
  }

  #arm(live: LiveClaim): void {
    if (live.timer !== undefined) clearTimeout(live.timer);
    live.timer = setTimeout(() => this.#expire(live), Math.max(0, live.deadline - mono()));
    live.timer.unref?.();
  }

  #live(claim: Claim): LiveClaim {
    const live = this.#claims.get(claim.id);
    if (live === undefined || live.claim !== claim) throw new LeaseLostError(undefined, { source: 'kinesis' });
    return live;
  }

  async renew(claim: Claim, leaseMs: number): Promise<number> {
    const live = this.#live(claim);
    for (const p of live.parts) {
      if (!p.shard.live || this.worker.shards.get(p.shard.shardId) !== p.shard) throw new LeaseLostError(`[mqkit] [kinesis] the lease on shard ${p.shard.shardId} was lost`, { source: 'kinesis' });
    }
    live.deadline = mono() + grace(leaseMs);
    this.#arm(live);
    return Date.now() + leaseMs;
  }

  async settle(claim: Claim, settlement: Settlement): Promise<SettleResult | void> {
    const live = this.#live(claim);
    const { ctx } = this.worker;
    const outcomes = new Map<ClaimPart, RecordOutcome[]>(live.parts.map((p) => [p, new Array<RecordOutcome>(p.records.length).fill({ kind: 'release' })]));
    const put = (m: Message, o: RecordOutcome): void => {
      const at = live.index.get(m);
      if (at !== undefined) outcomes.get(at.part)![at.i] = o;
    };
    if (settlement.ack === claim.messages) for (const [p, list] of outcomes) list.fill({ kind: 'ack' }, 0, p.records.length);
    else for (const m of settlement.ack) put(m, { kind: 'ack' });
    for (const r of settlement.retry) put(r.message, { kind: 'retry', error: JSON.stringify(r.error), runAt: r.runAt, delayMs: r.delayMs });
    const at = ctx.clock.now();
    for (const d of settlement.deadLetter) put(d.message, { kind: 'dead', id: d.message.id, letter: JSON.stringify({ message: d.message, reason: d.reason, error: d.error, deadLetteredAt: at }) });
    const plans = live.parts.map((p) => ({ part: p, ...p.shard.plan(live.key, p.records, outcomes.get(p)!) }));
    const usable = plans.filter((p) => p.part.shard.live && this.worker.shards.get(p.part.shard.shardId) === p.part.shard);
    let lost: string[] = [];
    if (usable.length > 0) {
      live.settling = true;
      try {
        lost = await ctx.redis('settle', () => ctx.store.settle(ctx.me, usable.map((p) => p.item)));
      } finally {
        live.settling = false;
      }
    }
    this.#claims.delete(claim.id);
    if (live.timer !== undefined) clearTimeout(live.timer);
    live.link.dispose();
    const lostIds: string[] = [];
    for (const p of plans) {
      const shard = p.part.shard;
      if (!usable.includes(p) || lost.includes(shard.shardId)) {
        lostIds.push(...p.part.messages.map((m) => m.id));
        if (lost.includes(shard.shardId)) this.worker.loseShard(shard, 'its lease was gone at settle');
        shard.unreserve(live.key, p.part.records);
        continue;
      }
      const moved = p.commit();
      if (moved.retryDelayMs !== undefined) this.#holdUntil(shard, mono() + Math.min(moved.retryDelayMs, ctx.options.maxRetryDelayMs));
      this.#checkpointed(shard, moved.checkpoint);
      if (shard.unsettled < ctx.options.read.maxBuffered / 2) shard.reader?.poke();
      void this.worker.handOverIfIdle(shard);
      void this.worker.finishIfDrained(shard);
    }
    this.changed();
    if (lostIds.length === claim.messages.length) throw new LeaseLostError(undefined, { source: 'kinesis' });
    if (lostIds.length > 0) return { lost: lostIds };
  }

  #checkpointed(shard: ShardConsumer, position: string | undefined): void {
    if (position === undefined) return;
    const { ctx } = this.worker;
    emit(ctx, 'checkpoint', { queue: ctx.queue, shardId: shard.shardId, sequenceNumber: position, consumerId: ctx.me, at: ctx.clock.now() });
  }

  /** Core stopped renewing the claim and never settled it: abandoned. */
  #expire(live: LiveClaim): void {
    if (this.#claims.get(live.claim.id) !== live) return;
    if (live.settling) {
      live.deadline = mono() + 1_000;
      return this.#arm(live);
    }
    this.#claims.delete(live.claim.id);
    live.link.dispose();
    const { worker } = this;
    const shards: ShardConsumer[] = [];
    for (const p of live.parts) {
      if (!p.shard.live) continue;
      p.shard.abandon(live.key, p.records);
      shards.push(p.shard);
    }
    const peer = worker.peer();
    // A peer takes the shard (this consumer is unhealthy for it); alone, this worker keeps it.
    void worker
      .release(shards, () => peer || worker.ctx.me, true, false)
      .catch((error: unknown) => {
        worker.ctx.logger.warn('[kinesis] recording an abandoned claim failed; the shard lease decides', { error });
        for (const s of shards) worker.loseShard(s, 'an abandoned claim could not be recorded');
      })
      .finally(() => this.changed());
  }
}
