// A small, honest backend for core's runtime tests: messages per queue, claims fenced by token and
// by a lease on the backend's own clock, attempts counted, waiting receivers. Core's tests cannot
// use @mqkit/memory (it depends on core: a workspace cycle), and they should not rely on memory's
// instant answers anyway — they wrap this in the testkit's `difficult()` (see ./difficult.ts).
import { capabilitiesExcept, type Capabilities } from '../../src/contracts/capabilities.js';
import type { DeadLetter, DeadLetterStore } from '../../src/contracts/dead-letter.js';
import type { Message, NewMessage } from '../../src/contracts/message.js';
import type { Claim, ProviderContext, QueueProvider, Receiver, ReceiverOptions, Settlement } from '../../src/contracts/provider.js';
import type { PublishOptions, PublishResult, QueueStats } from '../../src/contracts/queue.js';
import { LeaseLostError } from '../../src/errors/lease-lost-error.js';

interface Stored {
  readonly message: NewMessage;
  attempt: number;
  runAt: number;
}

interface Held {
  readonly token: string;
  readonly records: Stored[];
  expiresAt: number;
}

interface TinyQueue {
  ready: Stored[];
  readonly held: Map<string, Held>;
  readonly dead: DeadLetter[];
  readonly waiting: Set<() => void>;
}

export const TINY_CAPABILITIES: Capabilities = capabilitiesExcept(['expiry', 'dedupe', 'ordering', 'persistence', 'isolatedPayloads', 'transactionalPublish', 'backpressure']);

export class TinyProvider implements QueueProvider {
  readonly name = 'tiny';
  readonly capabilities: Capabilities;
  readonly queues = new Map<string, TinyQueue>();
  readonly deadLetters: DeadLetterStore;
  closed = 0;
  #claims = 0;

  constructor(capabilities: Partial<Capabilities> = {}) {
    this.capabilities = { ...TINY_CAPABILITIES, ...capabilities };
    this.deadLetters = {
      list: async (queue) => ({ items: [...this.#queue(queue).dead], next: undefined }),
      replay: async () => ({ replayed: 0 }),
      purge: async (queue) => {
        const q = this.#queue(queue);
        const purged = q.dead.length;
        q.dead.length = 0;
        return { purged };
      },
    };
  }

  async open(_context: ProviderContext): Promise<void> {}

  async publish(queue: string, messages: readonly NewMessage[], _options?: PublishOptions): Promise<PublishResult> {
    const q = this.#queue(queue);
    for (const message of messages) q.ready.push({ message, attempt: 0, runAt: message.runAt });
    for (const wake of [...q.waiting]) wake();
    return { ids: messages.map((m) => m.id), duplicates: [] };
  }

  receiver(queue: string, options: ReceiverOptions): Receiver {
    const q = this.#queue(queue);
    let closed = false;
    const take = (max: number): Claim | null => {
      this.#expire(q);
      const now = Date.now();
      const records = q.ready.filter((r) => r.runAt <= now).slice(0, max);
      if (records.length === 0) return null;
      q.ready = q.ready.filter((r) => !records.includes(r));
      const token = String(++this.#claims);
      const held: Held = { token, records, expiresAt: now + options.leaseMs };
      const id = `tiny#${token}`;
      q.held.set(id, held);
      const messages: Message[] = records.map((r) => {
        r.attempt++;
        return { ...r.message, attempt: r.attempt, maxAttempts: r.message.maxAttempts ?? options.maxAttempts, runAt: r.runAt, expiresAt: r.message.expiresAt };
      });
      return { id, token, messages, leaseExpiresAt: held.expiresAt };
    };
    return {
      receive: (max, signal) => {
        const now = closed ? null : take(max);
        if (now !== null || signal.aborted || closed) return Promise.resolve(now);
        return new Promise((resolve) => {
          const poll = setInterval(() => wake(), 10); // for delayed messages and expired leases
          const wake = (): void => {
            const claim = closed ? null : take(max);
            if (claim === null && !signal.aborted && !closed) return;
            clearInterval(poll);
            q.waiting.delete(wake);
            signal.removeEventListener('abort', wake);
            resolve(claim);
          };
          q.waiting.add(wake);
          signal.addEventListener('abort', wake, { once: true });
        });
      },
      settle: async (claim, settlement: Settlement) => {
        const held = this.#live(q, claim);
        q.held.delete(claim.id);
        const byId = new Map(held.records.map((r) => [r.message.id, r]));
        for (const { message, runAt } of settlement.retry) {
          const r = byId.get(message.id)!;
          r.runAt = runAt;
          q.ready.push(r);
        }
        for (const { message, reason, error } of settlement.deadLetter) q.dead.push({ message, reason, error, deadLetteredAt: Date.now() });
        for (const message of settlement.release) {
          const r = byId.get(message.id)!;
          r.attempt--;
          q.ready.unshift(r);
        }
        for (const wake of [...q.waiting]) wake();
      },
      renew: async (claim, leaseMs) => {
        const held = this.#live(q, claim);
        held.expiresAt = Date.now() + leaseMs;
        return held.expiresAt;
      },
      close: async () => {
        closed = true;
        for (const wake of [...q.waiting]) wake();
      },
    };
  }

  async stats(queue: string): Promise<QueueStats> {
    const q = this.#queue(queue);
    this.#expire(q);
    const inFlight = [...q.held.values()].reduce((n, h) => n + h.records.length, 0);
    return { queue, ready: q.ready.length, delayed: 0, inFlight, deadLettered: q.dead.length, lagMs: null };
  }

  async close(): Promise<void> {
    this.closed++;
  }

  #queue(name: string): TinyQueue {
    let q = this.queues.get(name);
    if (q === undefined) this.queues.set(name, (q = { ready: [], held: new Map(), dead: [], waiting: new Set() }));
    return q;
  }

  /** Fenced: the claim must still be held, with its token, and its lease not over by this backend's clock. */
  #live(q: TinyQueue, claim: Claim): Held {
    this.#expire(q);
    const held = q.held.get(claim.id);
    if (held === undefined || held.token !== claim.token) throw new LeaseLostError(undefined, { source: 'tiny' });
    return held;
  }

  /** Leases that ended give their messages back (attempt counted). */
  #expire(q: TinyQueue): void {
    const now = Date.now();
    for (const [id, held] of q.held) {
      if (held.expiresAt > now) continue;
      q.held.delete(id);
      q.ready.unshift(...held.records);
    }
  }
}
