import { DuplicateIdError } from '../errors/duplicate-id-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { Headers, NewMessage, OutgoingMessage } from '../contracts/message.js';
import type { IdGenerator } from '../util/ids.js';
import { describe } from '../util/validate.js';
import { PlainMessage } from './plain-message.js';

const EMPTY_HEADERS: Headers = Object.freeze({});
const MAX_KEY_LENGTH = 256;

/**
 * Turns publisher input into validated {@link NewMessage}s: ids and times resolved, every field
 * checked, errors naming `messages[i].field`.
 */
export function buildMessages(queue: string, input: unknown, now: number, ids: IdGenerator): NewMessage[] {
  const list = Array.isArray(input) ? (input as unknown[]) : [input];
  if (list.length === 0) throw new ValidationError('messages', 'the batch is empty', 'publish at least one message');
  const out = new Array<NewMessage>(list.length);
  let explicit: Map<string, number> | undefined;
  for (let i = 0; i < list.length; i++) {
    const message = (out[i] = buildOne(queue, list[i], i, now, ids));
    if (!message.explicitId) continue;
    explicit ??= new Map();
    if (explicit.has(message.id)) throw new DuplicateIdError(queue, message.id, `messages[${i}].id`);
    explicit.set(message.id, i);
  }
  return out;
}

function buildOne(queue: string, raw: unknown, index: number, now: number, ids: IdGenerator): NewMessage {
  const m = raw as OutgoingMessage;
  // The common case (only a payload, maybe a type) takes no checks beyond these.
  if (typeof raw === 'object' && raw !== null && m.payload !== undefined && isPlain(m)) {
    const id = ids();
    const type = m.type === undefined ? 'default' : key(m.type, `messages[${index}].type`);
    return new PlainMessage(id, false, queue, type, m.payload, now, now, undefined, undefined, undefined, undefined, EMPTY_HEADERS);
  }
  const field = `messages[${index}]`;
  if (typeof raw !== 'object' || raw === null) {
    throw new ValidationError(field, `expected { payload, … }, got ${describe(raw)}`, 'publish objects like { payload: {...} }');
  }
  if (m.payload === undefined) {
    throw new ValidationError(`${field}.payload`, 'is missing', 'give every message a payload (null is allowed)');
  }
  if (m.delayMs !== undefined && m.runAt !== undefined) {
    throw new ValidationError(`${field}.delayMs`, 'both delayMs and runAt are set', 'set one of them');
  }
  if (m.ttlMs !== undefined && m.expiresAt !== undefined) {
    throw new ValidationError(`${field}.ttlMs`, 'both ttlMs and expiresAt are set', 'set one of them');
  }
  const runAt = m.runAt !== undefined ? time(m.runAt, `${field}.runAt`) : now + duration(m.delayMs, `${field}.delayMs`);
  const expiresAt = m.expiresAt !== undefined ? time(m.expiresAt, `${field}.expiresAt`) : m.ttlMs !== undefined ? now + duration(m.ttlMs, `${field}.ttlMs`) : undefined;
  if (expiresAt !== undefined && expiresAt <= runAt) {
    throw new ValidationError(`${field}.expiresAt`, 'the message would expire before it is due', 'make the TTL longer than the delay');
  }
  if (m.maxAttempts !== undefined && (!Number.isInteger(m.maxAttempts) || m.maxAttempts < 1)) {
    throw new ValidationError(`${field}.maxAttempts`, `expected an integer ≥ 1, got ${describe(m.maxAttempts)}`, 'set maxAttempts to 1 or more, or leave it to the consumer');
  }
  return new PlainMessage(
    m.id === undefined ? ids() : key(m.id, `${field}.id`),
    m.id !== undefined,
    queue,
    m.type === undefined ? 'default' : key(m.type, `${field}.type`),
    m.payload,
    now,
    runAt,
    expiresAt,
    m.maxAttempts,
    m.partitionKey === undefined ? undefined : key(m.partitionKey, `${field}.partitionKey`),
    m.dedupeKey === undefined ? undefined : key(m.dedupeKey, `${field}.dedupeKey`),
    m.headers === undefined ? EMPTY_HEADERS : headers(m.headers, `${field}.headers`),
  );
}

/** Nothing but payload and type set. */
function isPlain(m: OutgoingMessage): boolean {
  return (
    m.id === undefined &&
    m.delayMs === undefined &&
    m.runAt === undefined &&
    m.ttlMs === undefined &&
    m.expiresAt === undefined &&
    m.maxAttempts === undefined &&
    m.partitionKey === undefined &&
    m.dedupeKey === undefined &&
    m.headers === undefined
  );
}

function key(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_KEY_LENGTH) {
    throw new ValidationError(field, `expected a string of 1–${MAX_KEY_LENGTH} characters, got ${describe(value)}`, `pass a shorter, non-empty string (hash long keys)`);
  }
  return value;
}

function duration(value: unknown, field: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValidationError(field, `expected a finite number of ms ≥ 0, got ${describe(value)}`, 'pass milliseconds as a non-negative number');
  }
  return value;
}

function time(value: unknown, field: string): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new ValidationError(field, `expected epoch milliseconds or a valid Date, got ${describe(value)}`, 'pass Date.now() + delay, or a Date');
  }
  return ms;
}

function headers(value: unknown, field: string): Headers {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(field, `expected an object of strings, got ${describe(value)}`, 'pass headers as { name: "value" }');
  }
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new ValidationError(`${field}.${name}`, `expected a string, got ${describe(v)}`, 'header values are strings: String(value) or JSON.stringify(value)');
    }
  }
  return value as Headers;
}
