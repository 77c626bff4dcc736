import { RetryableError } from '@mqkit/core';
import type { ClientSession, Collection } from 'mongodb';
import { freeTombstoneFilter } from './commands/sweep.js';
import { writeErrorKind, writeErrorsOf } from './commands/publish.js';
import type { MessageDoc, StoredDoc } from './documents.js';

export interface InserterHost {
  readonly messages: Collection<MessageDoc>;
  run<T>(what: string, operation: () => Promise<T>): Promise<T>;
  serverNow(): number;
}

export interface InsertOptions {
  /** The caller's transaction: checked first, so that no insert fails (a failed write aborts a MongoDB transaction). */
  readonly session?: ClientSession | undefined;
  /** A document whose dedupe key is held: reported as a duplicate (publish), or inserted without holding the key (replay). */
  readonly keyTaken: 'duplicate' | 'insert-without-key';
}

export interface InsertOutcome {
  /** The documents stored (as stored: a replayed one may have lost its `dk`). */
  readonly inserted: MessageDoc[];
  /** Document → the id of the message holding its dedupe key. */
  readonly duplicates: ReadonlyMap<MessageDoc, string>;
  /** Documents refused because a live message of the queue has their id. */
  readonly idTaken: MessageDoc[];
}

const ROUNDS = 4;

/**
 * Inserts messages with dedupe by the unique index mqkit_dedupe. Outside a transaction: one
 * unordered insertMany; the documents whose key is held fail with E11000 on that index (the rest
 * are stored), and are then looked at: a key held by a tombstone whose window ended is freed and
 * the document inserted again; a key held by a live message (or a tombstone in its window) makes
 * the document a duplicate. Inside a transaction the held keys are read first (in the session), so
 * no insert fails and the transaction stays usable.
 */
export class Inserter {
  constructor(private readonly host: InserterHost) {}

  async insert(queue: string, docs: readonly MessageDoc[], options: InsertOptions): Promise<InsertOutcome> {
    const outcome = { inserted: [] as MessageDoc[], duplicates: new Map<MessageDoc, string>(), idTaken: [] as MessageDoc[] };
    if (options.session !== undefined) return this.#inTransaction(queue, docs, options, outcome);
    let pending = [...docs];
    for (let round = 0; pending.length > 0; round++) {
      if (round === ROUNDS) throw new RetryableError(`[mongodb] the dedupe keys of ${pending.length} messages changed hands ${ROUNDS} times during one publish; try again`, { source: 'mongodb' });
      const failed = await this.#insertMany(pending);
      const keyed: MessageDoc[] = [];
      for (let i = 0; i < pending.length; i++) {
        const kind = failed.get(i);
        if (kind === undefined) outcome.inserted.push(pending[i]!);
        else if (kind === 'id') outcome.idTaken.push(pending[i]!);
        else keyed.push(pending[i]!);
      }
      pending = await this.#resolveKeys(queue, keyed, options, outcome);
    }
    return outcome;
  }

  /** insertMany, unordered; the positions that failed on a unique index, by kind. Any other failure is thrown. */
  async #insertMany(docs: readonly MessageDoc[]): Promise<Map<number, 'id' | 'dedupe'>> {
    const failed = new Map<number, 'id' | 'dedupe'>();
    try {
      await this.host.run('publishing', () => this.host.messages.insertMany([...docs], { ordered: false }));
    } catch (error) {
      const errors = writeErrorsOf(error);
      if (errors === undefined || errors.length === 0) throw error;
      for (const e of errors) {
        const kind = writeErrorKind(e);
        if (kind === 'other') throw error;
        failed.set(e.index, kind);
      }
    }
    return failed;
  }

  /** Documents whose key was held: duplicates, or (their holder gone or its window over) to insert again. */
  async #resolveKeys(queue: string, docs: readonly MessageDoc[], options: InsertOptions, outcome: { duplicates: Map<MessageDoc, string> }): Promise<MessageDoc[]> {
    if (docs.length === 0) return [];
    const holders = await this.#holders(queue, docs, undefined);
    const again: MessageDoc[] = [];
    const free: string[] = [];
    for (const doc of docs) this.#decide(doc, holders.get(doc.dk!), options, outcome, again, free);
    if (free.length > 0) await this.host.run('freeing dedupe keys', () => this.host.messages.deleteMany(freeTombstoneFilter(queue, free)));
    return again;
  }

  async #inTransaction(queue: string, docs: readonly MessageDoc[], options: InsertOptions, outcome: InsertOutcome & { duplicates: Map<MessageDoc, string> }): Promise<InsertOutcome> {
    const { session } = options;
    const keyed = docs.filter((d) => d.dk !== undefined);
    const holders = keyed.length > 0 ? await this.#holders(queue, keyed, session) : new Map<string, StoredDoc>();
    const free: string[] = [];
    const toInsert: MessageDoc[] = [];
    for (const doc of docs) this.#decide(doc, doc.dk === undefined ? undefined : holders.get(doc.dk), options, outcome, toInsert, free);
    if (free.length > 0) await this.host.run('freeing dedupe keys', () => this.host.messages.deleteMany(freeTombstoneFilter(queue, free), { session }));
    if (toInsert.length > 0) await this.host.run('publishing in a transaction', () => this.host.messages.insertMany(toInsert, { session }));
    outcome.inserted.push(...toInsert);
    return outcome;
  }

  /** One document whose key may be held by `holder`: to insert (as it is, or without its key), or a duplicate; a tombstone past its window is freed. */
  #decide(doc: MessageDoc, holder: StoredDoc | undefined, options: InsertOptions, outcome: { duplicates: Map<MessageDoc, string> }, insert: MessageDoc[], free: string[]): void {
    if (holder === undefined) insert.push(doc);
    else if ('tomb' in holder && holder.heldUntil.getTime() <= this.host.serverNow()) {
      free.push(doc.dk!);
      insert.push(doc);
    } else if (options.keyTaken === 'duplicate') outcome.duplicates.set(doc, holderId(holder));
    else insert.push(withoutKey(doc));
  }

  async #holders(queue: string, docs: readonly MessageDoc[], session: ClientSession | undefined): Promise<Map<string, StoredDoc>> {
    const keys = [...new Set(docs.map((d) => d.dk!))];
    const found = await this.host.run('looking up dedupe keys', () =>
      (this.host.messages as unknown as Collection<StoredDoc>).find({ q: queue, dk: { $in: keys } }, { projection: { dk: 1, id: 1, holder: 1, tomb: 1, heldUntil: 1 }, ...(session !== undefined ? { session } : {}) }).toArray(),
    );
    return new Map(found.map((d) => [d.dk!, d]));
  }
}

function holderId(holder: StoredDoc): string {
  return 'tomb' in holder ? holder.holder : holder.id;
}

function withoutKey(doc: MessageDoc): MessageDoc {
  const { dk: _dk, ...rest } = doc;
  return rest;
}
