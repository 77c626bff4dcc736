import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyLifecycleEvent } from '@mqkit/core';

/** A lifecycle event as a worker process saw it, reduced to what a fault test checks. */
export interface EventRecord {
  readonly worker: string;
  readonly type: string;
  /** `Date.now()` when it was written. */
  readonly at: number;
  readonly kind?: string;
  readonly resource?: string;
  readonly token?: string;
  readonly owner?: string;
  readonly previousOwner?: string;
  readonly shardId?: string;
  readonly sequenceNumber?: string;
  readonly reason?: string;
  readonly messageId?: string;
  readonly attempts?: number;
  readonly operation?: string;
  readonly error?: string;
}

const SUFFIX = '.events.jsonl';

export function eventLogFile(dir: string, name: string): string {
  return join(dir, `${name}${SUFFIX}`);
}

/** The lifecycle events a fault test looks at (not the per-message ones, which the delivery log has). */
export const LOGGED_EVENTS: ReadonlySet<string> = new Set([
  'lease.acquired',
  'lease.released',
  'lease.lost',
  'lease.stolen',
  'checkpoint',
  'rebalance',
  'poison-pill',
  'message.dead-lettered',
  'consumer.error',
  'heartbeat.failed',
  'throttled',
  'consumer.stopped',
]);

/** Appends one event (synchronously: a SIGKILL right after cannot take it back). */
export function appendEvent(file: string, worker: string, event: AnyLifecycleEvent): void {
  const e = event as AnyLifecycleEvent & Record<string, unknown>;
  const message = e.message as { id?: string } | undefined;
  const error = e.error as { message?: string } | undefined;
  const record: EventRecord = {
    worker,
    type: e.type,
    at: Date.now(),
    ...(typeof e.kind === 'string' ? { kind: e.kind } : {}),
    ...(typeof e.resource === 'string' ? { resource: e.resource } : {}),
    ...(typeof e.token === 'string' ? { token: e.token } : {}),
    ...(typeof e.owner === 'string' ? { owner: e.owner } : {}),
    ...(typeof e.previousOwner === 'string' ? { previousOwner: e.previousOwner } : {}),
    ...(typeof e.shardId === 'string' ? { shardId: e.shardId } : {}),
    ...(typeof e.sequenceNumber === 'string' ? { sequenceNumber: e.sequenceNumber } : {}),
    ...(typeof e.reason === 'string' ? { reason: e.reason } : {}),
    ...(typeof message?.id === 'string' ? { messageId: message.id } : {}),
    ...(typeof e.attempts === 'number' ? { attempts: e.attempts } : {}),
    ...(typeof e.operation === 'string' ? { operation: e.operation } : {}),
    ...(error !== undefined ? { error: typeof error.message === 'string' ? error.message : JSON.stringify(error) } : {}),
  };
  appendFileSync(file, `${JSON.stringify(record)}\n`);
}

/** Every event of every worker's event log in `dir`, sorted by time. A torn last line is skipped. */
export function readEvents(dir: string): EventRecord[] {
  if (!existsSync(dir)) return [];
  const out: EventRecord[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(SUFFIX))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        out.push(JSON.parse(line) as EventRecord);
      } catch {
        // killed mid-write
      }
    }
  }
  return out.sort((a, b) => a.at - b.at);
}
