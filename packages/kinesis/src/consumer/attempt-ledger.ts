import type { SerializedError } from '@mqkit/core';
import type { AttemptEntry } from '../coordination/coordination-store.js';
import { comparePositions } from '../positions.js';

/**
 * A shard's memory of its records past the checkpoint, as Redis keeps it (only the lease owner
 * writes it, so the owner keeps this copy in step): failed attempts, abandoned deliveries (a
 * consumer died or hung holding them) and records settled ahead of a record still waiting.
 */
export class AttemptLedger {
  #entries: AttemptEntry[];

  constructor(entries: readonly AttemptEntry[] = []) {
    this.#entries = [...entries];
  }

  #covering(position: string): AttemptEntry[] {
    return this.#entries.filter((e) => comparePositions(e.f, position) <= 0 && comparePositions(position, e.t) <= 0);
  }

  /** 1 + the attempts the record already had. */
  attempt(position: string): number {
    let n = 1;
    for (const e of this.#covering(position)) n += e.n;
    return n;
  }

  /** Settled ahead of the checkpoint: skip it. */
  done(position: string): boolean {
    return this.#covering(position).some((e) => e.d === 1);
  }

  /** Failed or abandoned before: delivered alone, so its fate is its own. */
  alone(position: string): boolean {
    return this.#covering(position).some((e) => e.n > 0);
  }

  /** When its retry is due (epoch ms), if it waits for one. */
  runAt(position: string): number | undefined {
    let at: number | undefined;
    for (const e of this.#covering(position)) if (e.r !== undefined) at = e.r;
    return at;
  }

  /** The last failure's error, if it had one. */
  lastError(position: string): SerializedError | undefined {
    let err: string | undefined;
    for (const e of this.#covering(position)) if (e.err !== undefined) err = e.err;
    return err === undefined ? undefined : (JSON.parse(err) as SerializedError);
  }

  add(entry: AttemptEntry): void {
    this.#entries.push(entry);
  }

  /** The checkpoint moved to `position`: entries wholly at or before it are done with. */
  prune(position: string): void {
    this.#entries = this.#entries.filter((e) => comparePositions(e.t, position) > 0);
  }

  get size(): number {
    return this.#entries.length;
  }
}
