import type { Logger } from '@mqkit/core';
import type { ListenConfig, PgListenClient, PgModule } from '../prisma-options.js';

export interface ListenerHooks {
  /** A NOTIFY for `queue` arrived. */
  readonly onNotify: (queue: string) => void;
  /** The connection was (re)established: notifications may have been missed meanwhile. */
  readonly onConnected: () => void;
  readonly logger: Logger;
}

const HEALTH_EVERY_MS = 10_000;
const HEALTH_TIMEOUT_MS = 5_000;
const MAX_BACKOFF_MS = 5_000;

/**
 * The provider's one LISTEN connection (a `pg.Client` of its own: LISTEN needs a session, so not
 * through Prisma's pool, nor PgBouncer in transaction mode). It reconnects with backoff after an
 * error, an end or a server restart, and checks itself every 10 s with a `SELECT 1` bounded by
 * 5 s, so a half-open connection is noticed and replaced. While it is down, consumers rely on the
 * polling backstop; every (re)connect wakes them all, for what they may have missed.
 */
export class NotificationListener {
  #client: PgListenClient | undefined;
  #closed = false;
  #failures = 0;
  #health: ReturnType<typeof setInterval> | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly pg: () => Promise<PgModule>,
    private readonly config: ListenConfig,
    private readonly channel: string,
    private readonly hooks: ListenerHooks,
  ) {}

  get connected(): boolean {
    return this.#client !== undefined;
  }

  /** Connects once; on failure keeps trying in the background (resolves either way). */
  async start(): Promise<void> {
    await this.#connect();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    clearInterval(this.#health);
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    let client: PgListenClient | undefined;
    try {
      const { Client } = await this.pg();
      client = new Client(this.config);
      client.on('error', (error) => this.#lost(client!, error));
      client.on('end', () => this.#lost(client!, new Error('connection ended')));
      await client.connect();
      client.on('notification', (message) => {
        if (message.channel === this.channel && message.payload) this.hooks.onNotify(message.payload);
      });
      await client.query(`LISTEN ${this.channel}`);
      if (this.#closed) return void (await client.end().catch(() => undefined));
      this.#client = client;
      this.#failures = 0;
      this.#health = setInterval(() => void this.#check(), HEALTH_EVERY_MS);
      this.#health.unref?.();
      this.hooks.onConnected();
    } catch (error) {
      if (client !== undefined) this.#lost(client, error);
      else this.#scheduleRetry(error);
    }
  }

  async #check(): Promise<void> {
    const client = this.#client;
    if (client === undefined) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer to SELECT 1 within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS)));
    try {
      await Promise.race([client.query('SELECT 1'), timeout]);
    } catch (error) {
      this.#lost(client, error);
    } finally {
      clearTimeout(timer);
    }
  }

  #lost(client: PgListenClient, error: unknown): void {
    if (this.#client !== client && this.#client !== undefined) return; // an old client's late event
    const wasConnected = this.#client === client;
    this.#client = undefined;
    clearInterval(this.#health);
    client.removeAllListeners();
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.#closed) return;
    if (wasConnected) this.hooks.logger.warn('the LISTEN connection was lost; reconnecting (consumers poll meanwhile)', { error });
    this.#scheduleRetry(error);
  }

  #scheduleRetry(error: unknown): void {
    if (this.#closed || this.#retry !== undefined) return;
    this.#failures++;
    const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(this.#failures - 1, 10));
    if (this.#failures === 1 || this.#failures % 10 === 0) this.hooks.logger.warn(`the LISTEN connection failed; retrying in ${delay} ms`, { error, failures: this.#failures });
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#connect();
    }, delay);
    this.#retry.unref?.();
  }
}
