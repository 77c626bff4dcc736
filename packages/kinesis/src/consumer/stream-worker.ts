import { LeaseLostError } from '@mqkit/core';
import type { AssignResult } from '../coordination/coordination-store.js';
import type { Nudge } from '../coordination/nudge-bus.js';
import { ensureStream } from '../kinesis/stream-admin.js';
import { ClaimDesk } from './claim-desk.js';
import type { DeskHost } from './desk-host.js';
import { ShardConsumer } from './shard-consumer.js';
import { ShardReader } from './shard-reader.js';
import { ShardSyncer } from './shard-syncer.js';
import { emit, type WorkerContext } from './worker-context.js';

type WorkerState = 'idle' | 'starting' | 'running' | 'leaving' | 'crashed' | 'closed';

const mono = (): number => performance.now();

/**
 * This process's worker for one stream (the KCL's Scheduler and LeaseCoordinator together): it
 * joins the stream's membership when its first receiver opens, heartbeats and renews its shard
 * leases, balances shards with the other workers (on a timer, on a peer's nudge, and when a
 * peer's lease is due to expire), reads the shards it owns, finishes a shard at SHARD_END (its
 * children go to it), hands a shard over when a peer asks, and leaves gracefully when its last
 * receiver closes: in-flight claims settle, leases are released and a nudge lets peers take over
 * at once. Claims are the ClaimDesk's business.
 */
export class StreamWorker implements DeskHost {
  readonly ctx: WorkerContext;
  readonly desk: ClaimDesk;
  readonly shards = new Map<string, ShardConsumer>();
  readonly syncer: ShardSyncer;
  #state: WorkerState = 'idle';
  readonly #receivers = new Set<object>();
  #starting: Promise<void> | undefined;
  #leaving: Promise<void> | undefined;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  #assignTimer: ReturnType<typeof setTimeout> | undefined;
  #serial: Promise<unknown> = Promise.resolve();
  #unsubscribe: (() => Promise<void>) | undefined;
  /** Shards this worker gave up lately and must not take back before (monotonic ms). */
  readonly #avoid = new Map<string, number>();
  /** Leases per live worker, from the last balancing cycle. */
  loads: Readonly<Record<string, number>> = {};
  workers = 0;
  #owned = '';
  #heartbeatFailures = 0;

  constructor(ctx: WorkerContext) {
    this.ctx = ctx;
    this.syncer = new ShardSyncer(ctx.api, ctx.store, ctx.stream, ctx.options.read.initialPosition);
    this.desk = new ClaimDesk(this);
  }

  get running(): boolean {
    return this.#state === 'running';
  }

  get crashed(): boolean {
    return this.#state === 'crashed';
  }

  attach(receiver: object): void {
    this.#receivers.add(receiver);
  }

  /** The last receiver gone: leave (graceful hand-off). */
  async detach(receiver: object): Promise<void> {
    this.#receivers.delete(receiver);
    if (this.#receivers.size > 0 || this.#state === 'crashed' || this.#state === 'closed') return;
    await this.#starting?.catch(() => undefined);
    if (this.#receivers.size === 0 && this.#state === 'running') await this.leave();
  }

  /** Started (joined, first balancing cycle done, readers started); rejects with what stopped the start. */
  ready(): Promise<void> {
    if (this.#state === 'running') return Promise.resolve();
    if (this.#state === 'crashed' || this.#state === 'closed') return Promise.reject(new LeaseLostError('[mqkit] [kinesis] this provider is closed or crashed', { source: 'kinesis' }));
    this.#starting ??= this.#start().finally(() => (this.#starting = undefined));
    return this.#starting;
  }

  async #start(): Promise<void> {
    await this.#leaving;
    if (this.#state === 'crashed' || this.#state === 'closed') throw new LeaseLostError('[mqkit] [kinesis] this provider is closed or crashed', { source: 'kinesis' });
    this.#state = 'starting';
    this.#avoid.clear();
    const { ctx } = this;
    let lock = '';
    try {
      lock = await ctx.store.lockStart(ctx.me, 5_000);
      await ensureStream(ctx.api, ctx.queue, ctx.stream, ctx.options.createStreams);
      await this.syncer.sync();
      this.#unsubscribe = await ctx.bus.subscribe(ctx.store.keys.channel, (nudge) => this.#onNudge(nudge));
      this.#state = 'running';
      await this.#run(() => this.#assign());
      void this.#nudge('join');
      await ctx.store.unlockStart(lock).catch(() => undefined);
    } catch (error) {
      await ctx.store.unlockStart(lock).catch(() => undefined);
      this.#state = 'idle';
      await this.#unsubscribe?.().catch(() => undefined);
      this.#unsubscribe = undefined;
      throw error;
    }
    this.#scheduleHeartbeat(ctx.options.lease.renewIntervalMs);
    this.#scheduleAssign(this.#assignInterval());
    this.#every(ctx.options.read.shardSyncIntervalMs, () => this.syncer.sync());
  }

  #assignInterval(): number {
    const base = this.ctx.options.lease.assignIntervalMs;
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  /** Coordination steps run one at a time (heartbeat, balancing, hand-overs, finishing). */
  #run<T>(step: () => Promise<T>): Promise<T> {
    const next = this.#serial.then(step, step);
    this.#serial = next.catch(() => undefined);
    return next;
  }

  #later(ms: number, fn: () => void): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    timer.unref?.();
    this.#timers.add(timer);
    return timer;
  }

  #every(ms: number, fn: () => Promise<unknown>): void {
    const tick = (): void => {
      if (this.#state !== 'running') return;
      void fn()
        .catch((error: unknown) => this.ctx.logger.warn('[kinesis] a periodic step failed; it runs again later', { stream: this.ctx.stream, error }))
        .finally(() => this.#later(ms, tick));
    };
    this.#later(ms, tick);
  }

  #scheduleHeartbeat(ms: number): void {
    if (this.#heartbeatTimer !== undefined) clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = this.#later(ms, () => {
      this.#heartbeatTimer = undefined;
      if (this.#state !== 'running') return;
      void this.#run(() => this.#heartbeat());
    });
  }

  #scheduleAssign(ms: number): void {
    if (this.#assignTimer !== undefined) clearTimeout(this.#assignTimer);
    this.#assignTimer = this.#later(Math.max(0, ms), () => {
      this.#assignTimer = undefined;
      if (this.#state !== 'running') return;
      void this.#run(() => this.#assign()).catch((error: unknown) => {
        this.ctx.logger.warn('[kinesis] a balancing cycle failed; it runs again shortly', { stream: this.ctx.stream, error });
        this.#scheduleAssign(Math.min(1_000, this.ctx.options.lease.assignIntervalMs));
      });
    });
  }

  #onNudge(nudge: Nudge): void {
    if (nudge.from === this.ctx.me || this.#state !== 'running') return;
    // A join, leave, hand-over or steal request: balance (and renew, to see a request) soon.
    this.#scheduleAssign(5 + Math.random() * 20);
    if (nudge.kind === 'want') this.#scheduleHeartbeat(0);
  }

  async #nudge(kind: string): Promise<void> {
    await this.ctx.store.nudge(JSON.stringify({ from: this.ctx.me, kind })).catch(() => undefined);
  }

  async #heartbeat(): Promise<void> {
    const { ctx } = this;
    const { leaseMs, renewIntervalMs, renewTries } = ctx.options.lease;
    const held = [...this.shards.values()].filter((s) => s.live).map((s) => [s.shardId, s.epoch] as const);
    const sent = mono();
    try {
      const result = await ctx.redis('heartbeat', () => ctx.store.heartbeat(ctx.me, leaseMs, leaseMs, held));
      this.#heartbeatFailures = 0;
      for (const [shardId, , wantedBy] of result.renewed) {
        const shard = this.shards.get(shardId);
        if (shard === undefined) continue;
        shard.validUntil = sent + leaseMs;
        if (wantedBy !== '' && shard.wantedBy === '') {
          shard.wantedBy = wantedBy;
          shard.settledSinceWanted = false;
        }
        if (shard.wantedBy !== '') await this.handOverIfIdle(shard);
      }
      for (const [shardId, owner] of result.lost) {
        const shard = this.shards.get(shardId);
        const epoch = held.find((h) => h[0] === shardId)?.[1];
        if (shard !== undefined && shard.epoch === epoch) this.loseShard(shard, owner === '' || owner === ctx.me ? 'its lease expired' : `${owner} holds it now`);
      }
      this.#scheduleHeartbeat(renewIntervalMs);
    } catch (error) {
      this.#heartbeatFailures++;
      emit(ctx, 'heartbeat.failed', { queue: ctx.queue, consumerId: ctx.me, error, at: ctx.clock.now() });
      // Tried again soon a couple of times: one Redis blip must not cost a shard.
      const soon = this.#heartbeatFailures < renewTries;
      this.#scheduleHeartbeat(soon ? Math.max(10, Math.round(renewIntervalMs / 4)) : renewIntervalMs);
    }
    // No work without a valid lease: a lease that surely ran out by this clock is given up.
    const now = mono();
    for (const shard of [...this.shards.values()]) {
      if (now >= shard.validUntil) this.loseShard(shard, 'its lease could not be renewed in time');
    }
  }

  async #assign(): Promise<void> {
    const { ctx } = this;
    const { leaseMs, maxStealsPerCycle, stealTimeoutMs, assignIntervalMs, minHoldMs } = ctx.options.lease;
    const now = mono();
    for (const [id, until] of this.#avoid) if (until <= now) this.#avoid.delete(id);
    const sent = mono();
    const result: AssignResult = await ctx.redis('assign', () => ctx.store.assign(ctx.me, leaseMs, leaseMs, maxStealsPerCycle, stealTimeoutMs, [...this.#avoid.keys()], minHoldMs));
    this.loads = result.loads;
    this.workers = result.workers;
    const owned = new Map(result.owned.map(([id, epoch, expiry]) => [id, { epoch, validUntil: sent + Math.min(leaseMs, expiry - result.now) }]));
    for (const shard of [...this.shards.values()]) {
      const o = owned.get(shard.shardId);
      if (o === undefined || o.epoch !== shard.epoch) {
        if (!shard.finishing) this.loseShard(shard, 'another worker holds it now');
      }
    }
    const taken = new Map(result.taken.map(([id, epoch, from, how]) => [id, { epoch, from, how }]));
    for (const [id, o] of owned) {
      const local = this.shards.get(id);
      if (local !== undefined && local.epoch === o.epoch) continue;
      const how = taken.get(id);
      await this.adopt(id, o.epoch, o.validUntil, how === undefined ? 'handed over' : how.how, how?.from ?? '');
    }
    if (result.requested.length > 0) void this.#nudge('want');
    const ownedNow = [...this.shards.keys()].sort().join(',');
    if (ownedNow !== this.#owned) {
      this.#owned = ownedNow;
      emit(ctx, 'rebalance', { queue: ctx.queue, consumerId: ctx.me, workers: result.workers, owned: [...this.shards.keys()].sort(), at: ctx.clock.now() });
    }
    // Next cycle: on the timer, or just after the earliest foreign lease expires (failover).
    let next = this.#assignInterval();
    if (result.nextExpiry > 0) next = Math.min(next, result.nextExpiry - result.now + 15);
    if (result.requested.length > 0) next = Math.min(next, Math.max(50, Math.round(ctx.options.lease.renewIntervalMs / 2)));
    if (this.#state === 'running') this.#scheduleAssign(Math.min(next, assignIntervalMs * 2));
  }

  /** Starts working a shard this worker now leases. */
  async adopt(shardId: string, epoch: number, validUntil: number, how: string, from: string): Promise<void> {
    const { ctx } = this;
    let info = this.syncer.info(shardId);
    if (info === undefined) {
      await this.syncer.sync();
      info = this.syncer.info(shardId);
      if (info === undefined) return;
    }
    const state = await ctx.redis('shard state', () => ctx.store.shardState(shardId));
    if (this.#state !== 'running') return;
    const shard = new ShardConsumer(info, epoch, state.checkpoint, state.attempts, validUntil);
    this.shards.set(shardId, shard);
    const token = shard.token;
    const at = ctx.clock.now();
    if (how === 'stolen') emit(ctx, 'lease.stolen', { queue: ctx.queue, kind: 'shard', resource: shardId, owner: ctx.me, token, previousOwner: from, at });
    else emit(ctx, 'lease.acquired', { queue: ctx.queue, kind: 'shard', resource: shardId, owner: ctx.me, token, at });
    shard.reader = new ShardReader({
      api: ctx.api,
      stream: ctx.stream,
      shard: info,
      checkpoint: state.checkpoint,
      startAt: state.row?.s ?? 'TRIM_HORIZON',
      pacing: ctx.options.read.pacing(),
      maxBuffered: ctx.options.read.maxBuffered,
      minIntervalMs: ctx.options.read.minIntervalMs,
      hooks: {
        onRecords: (records) => {
          if (!shard.live) return;
          const wasEmpty = shard.head() === undefined;
          shard.add(records);
          if (wasEmpty) this.desk.holdRetriedHead(shard);
          this.desk.changed();
        },
        onEnd: () => {
          shard.ended = true;
          void this.finishIfDrained(shard);
        },
        onLag: (ms) => this.desk.lag(shard, ms),
        onRead: () => {
          shard.readOnce = true;
          if (shard.wantedBy !== '') void this.#run(() => this.handOverIfIdle(shard));
        },
        onThrottle: (operation, delayMs) => emit(ctx, 'throttled', { queue: ctx.queue, operation, delayMs, shardId, at: ctx.clock.now() }),
        onError: (operation, error, retryInMs) => emit(ctx, 'consumer.error', { queue: ctx.queue, consumerId: ctx.me, error, operation, retryInMs, at: ctx.clock.now() }),
        buffered: () => shard.unsettled,
      },
    });
    this.desk.changed();
  }

  /** The lease is gone (lost, stolen, expired): stop at once, abort its claim. */
  loseShard(shard: ShardConsumer, why: string): void {
    if (this.shards.get(shard.shardId) !== shard) return;
    this.shards.delete(shard.shardId);
    shard.reader?.stop();
    shard.lost.abort(new LeaseLostError(`[mqkit] [kinesis] shard ${shard.shardId} of stream "${this.ctx.stream}" was lost: ${why}; its records are read again by the new owner`, { source: 'kinesis' }));
    const { ctx } = this;
    emit(ctx, 'lease.lost', { queue: ctx.queue, kind: 'shard', resource: shard.shardId, owner: ctx.me, token: shard.token, at: ctx.clock.now() });
    this.desk.changed();
  }

  /** Drops a shard this worker released or finished (no claim is out on it). */
  #drop(shard: ShardConsumer): void {
    if (this.shards.get(shard.shardId) !== shard) return;
    this.shards.delete(shard.shardId);
    shard.reader?.stop();
    shard.lost.abort(new LeaseLostError(`[mqkit] [kinesis] shard ${shard.shardId} was handed over`, { source: 'kinesis' }));
    const { ctx } = this;
    emit(ctx, 'lease.released', { queue: ctx.queue, kind: 'shard', resource: shard.shardId, owner: ctx.me, token: shard.token, at: ctx.clock.now() });
  }

  /** A peer asked for this shard: hand it over between claims (no batch is aborted). */
  async handOverIfIdle(shard: ShardConsumer): Promise<void> {
    if (!shard.canHandOver()) return;
    await this.release([shard], (s) => s.wantedBy, false, false);
  }

  /** Releases shards (to a peer, or free); their records are read again by whoever takes them. */
  async release(shards: readonly ShardConsumer[], to: (s: ShardConsumer) => string, abandoned: boolean, leave: boolean): Promise<void> {
    const { ctx } = this;
    if (shards.length === 0 && !leave) return;
    const items = shards.map((s) => ({ shard: s.shardId, epoch: s.epoch, to: to(s), abandoned }));
    for (const s of shards) s.busy = true;
    try {
      const released = await ctx.redis('release', () => ctx.store.release(ctx.me, ctx.options.lease.leaseMs, items, leave));
      for (const [shardId, target] of released) {
        const shard = shards.find((s) => s.shardId === shardId)!;
        if (target === ctx.me) continue; // kept (an abandoned claim recorded)
        if (target !== '') this.#avoid.set(shardId, mono() + ctx.options.lease.stealTimeoutMs); // not taken back at once
        this.#drop(shard);
      }
      for (const s of shards) if (this.shards.get(s.shardId) === s && !released.some((r) => r[0] === s.shardId)) this.loseShard(s, 'it was not ours any more');
    } finally {
      for (const s of shards) s.busy = false;
    }
    if (items.length > 0 || leave) void this.#nudge(leave ? 'leave' : 'release');
    this.desk.changed();
  }

  /** The shard was read to SHARD_END and everything settled: finish it, take its children. */
  async finishIfDrained(shard: ShardConsumer): Promise<void> {
    if (!shard.drained || shard.finishing || !shard.live) return;
    shard.finishing = true;
    const { ctx } = this;
    await this.#run(async () => {
      try {
        await this.syncer.sync(); // the children, with their parents
        const result = await ctx.redis('finish', () => ctx.store.finish(ctx.me, shard.shardId, shard.epoch, ctx.options.lease.leaseMs));
        if (!result.ok) return this.loseShard(shard, 'its lease ran out before it was finished');
        emit(ctx, 'checkpoint', { queue: ctx.queue, shardId: shard.shardId, sequenceNumber: 'SHARD_END', consumerId: ctx.me, at: ctx.clock.now() });
        this.#drop(shard);
        const sent = mono();
        for (const [child, epoch] of result.children) await this.adopt(child, epoch, sent + ctx.options.lease.leaseMs, 'child', shard.shardId);
        void this.#nudge('release');
        this.#scheduleAssign(10);
      } catch (error) {
        shard.finishing = false;
        ctx.logger.warn('[kinesis] finishing a closed shard failed; tried again shortly', { shard: shard.shardId, error });
        this.#later(500, () => void this.finishIfDrained(shard));
      }
    });
  }

  /** Least-loaded live peer, or '' when this worker is alone. */
  peer(): string {
    let best = '';
    let load = Infinity;
    for (const [w, n] of Object.entries(this.loads)) {
      if (w !== this.ctx.me && n < load) {
        best = w;
        load = n;
      }
    }
    return best;
  }

  avoid(shardId: string, ms: number): void {
    this.#avoid.set(shardId, mono() + ms);
  }

  /** Graceful leave: stop reading, let claims settle, release every lease, tell the peers. */
  leave(): Promise<void> {
    this.#leaving ??= this.#leave().finally(() => (this.#leaving = undefined));
    return this.#leaving;
  }

  async #leave(): Promise<void> {
    if (this.#state !== 'running') return;
    this.#state = 'leaving';
    this.#stopTimers();
    for (const shard of this.shards.values()) shard.reader?.stop();
    this.desk.close();
    await this.desk.drained();
    await this.#serial;
    const shards = [...this.shards.values()].filter((s) => s.live);
    try {
      await this.release(shards, (s) => s.wantedBy, false, true);
    } catch (error) {
      this.ctx.logger.warn('[kinesis] releasing the shard leases failed; peers take them when they expire', { stream: this.ctx.stream, error });
    }
    for (const shard of [...this.shards.values()]) this.#drop(shard);
    await this.#unsubscribe?.().catch(() => undefined);
    this.#unsubscribe = undefined;
    this.#owned = '';
    if (this.#state === 'leaving') this.#state = 'idle';
    this.desk.reopen();
  }

  #stopTimers(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#heartbeatTimer = undefined;
    this.#assignTimer = undefined;
  }

  /** A crashed process: everything stops on the spot, nothing is released. */
  crash(): void {
    this.#state = 'crashed';
    this.#stopTimers();
    for (const shard of this.shards.values()) shard.reader?.stop();
    this.desk.crash();
  }

  /** After the provider closed: leave if still running, then stop for good. */
  async close(): Promise<void> {
    if (this.#state === 'running') await this.leave();
    await this.#leaving;
    if (this.#state !== 'crashed') this.#state = 'closed';
    this.#stopTimers();
    this.desk.close();
  }
}
