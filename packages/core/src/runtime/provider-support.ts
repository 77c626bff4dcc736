import { ConfigError } from '../errors/config-error.js';
import { ErrorCode } from '../errors/error-codes.js';
import { isMqkitError } from '../errors/is-mqkit-error.js';
import { RetryableError } from '../errors/retryable-error.js';
import { UnknownQueueError } from '../errors/unknown-queue-error.js';
import { validateQueueName } from './publish-input.js';

/*
 * Small pieces every server-backed provider needs alike: the `queues` option (declared names) and
 * a bound on how long one backend call may take.
 */

/**
 * A provider's `queues` option: `undefined` (any name), or a non-empty array of valid queue names
 * (else a ConfigError naming `<provider>.queues[i]`).
 */
export function resolveDeclaredQueues(value: unknown, provider: string): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigError(`${provider}.queues`, 'expected a non-empty array of queue names', "pass queues: ['orders', …] or leave it out to accept any name", { source: provider });
  }
  return new Set(
    value.map((q: unknown, i) => {
      try {
        return validateQueueName(q, `${provider}.queues[${i}]`);
      } catch (error) {
        if (isMqkitError(error, ErrorCode.Validation)) throw new ConfigError(`${provider}.queues[${i}]`, 'is not a valid queue name', (error as unknown as { fix: string }).fix, { source: provider });
        throw error;
      }
    }),
  );
}

/** Throws UnknownQueueError unless `queue` is declared (or nothing is). */
export function checkDeclaredQueue(declared: ReadonlySet<string> | undefined, queue: string, provider: string): void {
  if (declared !== undefined && !declared.has(queue)) {
    throw new UnknownQueueError(queue, `declare it in ${provider}({ queues: [...] }) or use one of: ${[...declared].join(', ')}`, { source: provider });
  }
}

/**
 * Waits for a backend call at most `ms`, then fails with a RetryableError (core retries it): a
 * connection that went half-open (the server gone without a FIN) must not hang a consumer. The
 * call itself may still run; what it did is fenced like any other late answer.
 */
export function withTimeout<T>(operation: Promise<T>, ms: number, what: string, provider: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RetryableError(`${what} did not answer within ${ms} ms (operationTimeoutMs); the connection may be half-open`, { source: provider })), ms);
  });
  return Promise.race([operation, late]).finally(() => clearTimeout(timer));
}
