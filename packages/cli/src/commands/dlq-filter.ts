import type { DeadLetter, DeadLetterStore } from '@mqkit/core';
import { CliError, ExitCode } from '../exit-codes.js';

/** Which dead letters a `dlq` command works on (`--type`, `--error`, `--since`, `--until`, `--limit`). */
export interface DlqFilter {
  readonly type?: string | undefined;
  /** A substring of the last error's name, message or code (case-insensitive). */
  readonly error?: string | undefined;
  /** Dead-lettered at or after (epoch ms). */
  readonly since?: number | undefined;
  /** Dead-lettered before (epoch ms). */
  readonly until?: number | undefined;
  readonly limit?: number | undefined;
}

/** An ISO time (or epoch ms) flag as epoch ms. */
export function parseTime(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new CliError(ExitCode.Usage, `${flag} "${value}" is not a time: give an ISO time like 2026-01-31T12:00:00Z (or epoch ms)`);
  return ms;
}

export function matches(letter: DeadLetter, f: DlqFilter): boolean {
  if (f.type !== undefined && letter.message.type !== f.type) return false;
  if (f.error !== undefined) {
    const needle = f.error.toLowerCase();
    const e = letter.error;
    if (![e.name, e.message, e.code ?? ''].some((t) => t.toLowerCase().includes(needle))) return false;
  }
  if (f.since !== undefined && letter.deadLetteredAt < f.since) return false;
  if (f.until !== undefined && letter.deadLetteredAt >= f.until) return false;
  return true;
}

/**
 * The dead letters of `queue` that match, in the store's order, paging through the store with
 * its cursor (the store's contract has no filters: they are applied here). Stops at `limit`.
 */
export async function select(store: DeadLetterStore, queue: string, f: DlqFilter, pageSize = 500): Promise<DeadLetter[]> {
  const out: DeadLetter[] = [];
  const limit = f.limit ?? Infinity;
  let cursor: string | undefined;
  do {
    const page = await store.list(queue, { limit: pageSize, cursor });
    for (const letter of page.items) {
      if (out.length >= limit) return out;
      if (matches(letter, f)) out.push(letter);
    }
    cursor = page.next;
  } while (cursor !== undefined && out.length < limit);
  return out;
}
