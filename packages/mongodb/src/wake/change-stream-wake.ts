import type { Logger } from '@mqkit/core';
import type { Document } from 'mongodb';
import { Codes, codeOf } from '../errors.js';

/** What the watcher uses of a collection (the driver's `Collection.watch`). */
export interface Watchable {
  watch(pipeline: Document[], options: Document): ChangeStreamLike;
}

/** What the watcher uses of the driver's `ChangeStream`. */
export interface ChangeStreamLike {
  on(event: 'change', listener: (change: Document) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  readonly resumeToken: unknown;
  close(): Promise<void>;
}

export interface WatchHooks {
  /** A message of `queue` was inserted (published or replayed) somewhere. */
  readonly onInsert: (queue: string) => void;
  /** The stream was opened again after an error: inserts may have been missed meanwhile. */
  readonly onRestart: () => void;
  readonly logger: Logger;
}

/**
 * Only inserts, and of each only its queue name (`_id`, the resume token, is always kept): a
 * small event per published message.
 */
export function wakePipeline(): Document[] {
  return [{ $match: { operationType: 'insert' } }, { $project: { operationType: 1, 'fullDocument.q': 1 } }];
}

const MAX_BACKOFF_MS = 5_000;

/**
 * The provider's one change stream on the messages collection: it wakes the idle receivers of a
 * queue when one of its messages is inserted. The driver resumes a stream by itself once after a
 * resumable error (a failover, a dropped connection); when the stream fails anyway, this opens it
 * again with backoff (100 ms doubling to 5 s) **after the last resume token it saw**
 * (`startAfter`), so it picks up where it stopped — or from now, when the server no longer has that
 * point in its oplog (ChangeStreamHistoryLost). Every reopening wakes every receiver, for what it
 * may have missed; the polling backstop covers the time the stream is down.
 */
export class ChangeStreamWake {
  #stream: ChangeStreamLike | undefined;
  #token: unknown;
  #closed = false;
  #failures = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly collection: Watchable,
    private readonly hooks: WatchHooks,
  ) {}

  get resumeToken(): unknown {
    return this.#token;
  }

  start(): void {
    if (this.#closed || this.#stream !== undefined) return;
    const options: Document = this.#token === undefined ? {} : { startAfter: this.#token };
    let stream: ChangeStreamLike;
    try {
      stream = this.collection.watch(wakePipeline(), options);
    } catch (error) {
      this.#failed(undefined, error);
      return;
    }
    this.#stream = stream;
    stream.on('change', (change) => {
      this.#failures = 0;
      this.#token = stream.resumeToken ?? change._id;
      const q = (change.fullDocument as { q?: unknown } | undefined)?.q;
      if (typeof q === 'string') this.hooks.onInsert(q);
    });
    stream.on('error', (error) => this.#failed(stream, error));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const stream = this.#stream;
    this.#stream = undefined;
    await stream?.close().catch(() => undefined);
  }

  #failed(stream: ChangeStreamLike | undefined, error: unknown): void {
    if (stream !== undefined && this.#stream !== stream) return; // a late event of a stream already replaced
    if (stream !== undefined) {
      this.#token = stream.resumeToken ?? this.#token;
      void stream.close().catch(() => undefined);
    }
    this.#stream = undefined;
    if (this.#closed) return;
    if (codeOf(error) === Codes.ChangeStreamHistoryLost) this.#token = undefined; // that point left the oplog: start from now
    this.#failures++;
    const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(this.#failures - 1, 10));
    if (this.#failures === 1 || this.#failures % 10 === 0) this.hooks.logger.warn(`the change stream failed; opening it again in ${delay} ms (consumers poll meanwhile)`, { error, failures: this.#failures });
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.start();
      if (this.#stream !== undefined) this.hooks.onRestart();
    }, delay);
    this.#retry.unref?.();
  }
}
