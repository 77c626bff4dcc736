import { ValidationError } from '../errors/validation-error.js';
import { describe } from '../util/validate.js';

const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Queue names: 1–128 chars of letters, digits and `. _ : -`, starting with a letter or digit (fits every backend). */
export function validateQueueName(queue: unknown, field = 'queue'): string {
  if (typeof queue !== 'string' || !QUEUE_NAME.test(queue)) {
    throw new ValidationError(
      field,
      `${describe(queue)} is not a valid queue name`,
      'use 1–128 characters of letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
    );
  }
  return queue;
}

const PUBLISH_KEYS = ['onFull', 'signal', 'transaction'];

/**
 * `publish()` options: `onFull` is 'wait' or 'reject', `signal` an AbortSignal, `transaction`
 * anything but only where the provider can write inside it; nothing else.
 */
export function validatePublishOptions(options: unknown, provider: string, transactional: boolean): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValidationError('publish options', `expected an object, got ${describe(options)}`, 'pass { onFull, signal, transaction } or nothing');
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!PUBLISH_KEYS.includes(key)) {
      throw new ValidationError(`publish.${key}`, 'unknown option', `use one of: ${PUBLISH_KEYS.join(', ')}`);
    }
  }
  if (o.transaction !== undefined && !transactional) {
    throw new ValidationError(
      'publish.transaction',
      `provider "${provider}" cannot publish inside your transaction (it lacks the transactionalPublish capability)`,
      'publish after your transaction commits, or use a provider with transactionalPublish (prisma, mongodb)',
    );
  }
  if (o.onFull !== undefined && o.onFull !== 'wait' && o.onFull !== 'reject') {
    throw new ValidationError('publish.onFull', `expected 'wait' or 'reject', got ${describe(o.onFull)}`, "pass onFull: 'wait' (default) or 'reject'");
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new ValidationError('publish.signal', `expected an AbortSignal, got ${describe(o.signal)}`, 'pass an AbortController().signal or leave it out');
  }
}
