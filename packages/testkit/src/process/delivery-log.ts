import { appendFileSync, closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One message as a worker process saw it: written the moment its processor ran (before any ack),
 * and once more with `acked: true` when its ack was applied (core's `message.processed`).
 */
export interface DeliveryRecord {
  /** The worker process that processed it. */
  readonly worker: string;
  readonly id: string;
  readonly partitionKey: string | undefined;
  /** The publisher's sequence number within its key (from the payload's `seq`), for order checks. */
  readonly seq: number | undefined;
  readonly attempt: number;
  /** `Date.now()` when the processor ran (or the ack was applied). */
  readonly at: number;
  /** An ack record: the backend accepted this delivery's ack. */
  readonly acked?: true;
}

const SUFFIX = '.deliveries.jsonl';

/** The log file of worker `name` in `dir`. */
export function deliveryLogFile(dir: string, name: string): string {
  return join(dir, `${name}${SUFFIX}`);
}

/**
 * Appends one record with a synchronous write: once this returns, a SIGKILL of the process cannot
 * take the record back (the bytes are in the kernel's page cache), so the log says what a worker
 * really processed before it died — the side effects an application would have made.
 */
export function appendDelivery(file: string, record: DeliveryRecord): void {
  appendFileSync(file, `${JSON.stringify(record)}\n`);
}

/** Every record of every worker log in `dir`, in file order per worker. A torn last line (a kill mid-write) is skipped. */
export function readDeliveries(dir: string): DeliveryRecord[] {
  if (!existsSync(dir)) return [];
  const records: DeliveryRecord[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(SUFFIX)).sort()) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        records.push(JSON.parse(line) as DeliveryRecord);
      } catch {
        // The process was killed in the middle of this write: nothing was processed after it.
      }
    }
  }
  return records;
}

/**
 * Reads the delivery logs of `dir` as they grow: each `read()` parses only what was appended since
 * the last one (long runs log millions of records; parsing them all again every poll would starve
 * the test).
 */
export class DeliveryLogReader {
  readonly #records: DeliveryRecord[] = [];
  readonly #offsets = new Map<string, number>();
  readonly #partial = new Map<string, string>();

  constructor(private readonly dir: string) {}

  /** Every record so far (the same array, grown). */
  read(): readonly DeliveryRecord[] {
    if (!existsSync(this.dir)) return this.#records;
    for (const file of readdirSync(this.dir).filter((f) => f.endsWith(SUFFIX)).sort()) {
      const path = join(this.dir, file);
      const size = statSync(path).size;
      const offset = this.#offsets.get(path) ?? 0;
      if (size <= offset) continue;
      const buffer = Buffer.alloc(size - offset);
      const fd = openSync(path, 'r');
      try {
        readSync(fd, buffer, 0, buffer.length, offset);
      } finally {
        closeSync(fd);
      }
      this.#offsets.set(path, size);
      const text = (this.#partial.get(path) ?? '') + buffer.toString('utf8');
      const lines = text.split('\n');
      this.#partial.set(path, lines.pop() ?? '');
      for (const line of lines) {
        if (line.trim() === '') continue;
        try {
          this.#records.push(JSON.parse(line) as DeliveryRecord);
        } catch {
          // A torn line (a kill mid-write): skipped.
        }
      }
    }
    return this.#records;
  }
}
