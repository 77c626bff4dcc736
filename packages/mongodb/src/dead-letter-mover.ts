import type { Collection, ObjectId } from 'mongodb';
import { deadLetterUpsert, markedFilter, removal } from './commands/dead-letter-move.js';
import type { DeadLetterDoc, MessageDoc } from './documents.js';

/** What the mover needs of its provider. */
export interface MoverHost {
  readonly messages: Collection<MessageDoc>;
  readonly deadLetterDocs: Collection<DeadLetterDoc>;
  /** Runs one driver call (bounded by operationTimeoutMs, errors classified). */
  run<T>(what: string, operation: () => Promise<T>): Promise<T>;
  /** The server's clock (estimate), epoch ms. */
  serverNow(): number;
  readonly dedupeWindowMs: number;
  readonly deadLetterRetentionMs: number | undefined;
}

/**
 * Steps 2 and 3 of a move to the dead letters (commands/dead-letter-move.ts): for the marked
 * messages `token` holds, write their dead letters (idempotent upserts), then take them out of
 * the messages, fenced by the token. Returns the documents it moved.
 */
export class DeadLetterMover {
  constructor(private readonly host: MoverHost) {}

  async finish(ids: readonly ObjectId[], token: string): Promise<MessageDoc[]> {
    if (ids.length === 0) return [];
    const { host } = this;
    const docs = await host.run('reading messages to dead-letter', () => host.messages.find(markedFilter(ids, token)).toArray());
    if (docs.length === 0) return [];
    const at = new Date(host.serverNow());
    await host.run('writing dead letters', () => host.deadLetterDocs.bulkWrite(docs.map((d) => deadLetterUpsert(d, at, host.deadLetterRetentionMs)), { ordered: false }));
    await host.run('removing dead-lettered messages', () => host.messages.bulkWrite(docs.map((d) => removal(d, token, host.dedupeWindowMs)), { ordered: false }));
    return docs;
  }
}
