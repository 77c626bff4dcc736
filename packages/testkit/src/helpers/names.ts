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
