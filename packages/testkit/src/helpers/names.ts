import { randomBytes } from 'node:crypto';

const run = randomBytes(3).toString('hex');
let counter = 0;

/**
 * A queue name no other test (in this process or another one sharing the backend) uses:
 * `<prefix>-<run>-<counter>`, within the 128-character queue-name rule.
 */
export function uniqueQueueName(prefix = 'q'): string {
  const safe = prefix.replace(/[^A-Za-z0-9._:-]/g, '-').slice(0, 80) || 'q';
  return `${safe}-${run}${process.pid.toString(36)}-${(++counter).toString(36)}`;
}

/** Whether a test's server could be reached, and if not, why (shown in the skipped suite's name). */
export type Reachable = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** A suite name for `describe.skipIf(!reachable.ok)(…)`: `what`, with " — skipped: <reason>" when unreachable. */
export function suiteName(what: string, reachable: Reachable): string {
  return reachable.ok ? what : `${what} — skipped: ${reachable.reason}`;
}
