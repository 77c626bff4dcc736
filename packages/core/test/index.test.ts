import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import { createQueue } from '../src/create-queue.js';
import { Lifecycle } from '../src/lifecycle/lifecycle.js';
import { resolveRetryPolicy } from '../src/retry/retry-policy.js';

/** The runtime exports applications and providers depend on: removing one is a breaking change. */
const PUBLIC_RUNTIME_EXPORTS = [
  'CAPABILITY_NAMES',
  'ClosedError',
  'ConfigError',
  'DEFAULT_CONSUME_SETTINGS',
  'DEFAULT_RETRY_POLICY',
  'DecodeError',
  'ErrorCode',
  'LeaseLostError',
  'Lifecycle',
  'ListenerOverloadError',
  'MqkitError',
  'PayloadTooLargeError',
  'PermanentError',
  'QueueWake',
  'QueueFullError',
  'RetryableError',
  'ShutdownError',
  'TimeoutError',
  'UnknownQueueError',
  'ValidationError',
  'ack',
  'checkDeclaredQueue',
  'backoffDelay',
  'createIdGenerator',
  'createQueue',
  'deadLetter',
  'decideFailure',
  'decodeJsonPayload',
  'eachMessage',
  'encodeJsonPayload',
  'fromEnv',
  'isRetryable',
  'noopLogger',
  'optionalBoolean',
  'optionalInt',
  'optionalNumber',
  'optionalOneOf',
  'rejectUnknownKeys',
  'requireObject',
  'resolveDeclaredQueues',
  'resolveRetryPolicy',
  'retry',
  'serializeError',
  'sleep',
  'systemClock',
  'validateQueueName',
  'withTimeout',
];

describe('the package entry', () => {
  it('exports every public runtime value', () => {
    expect(Object.keys(core)).toEqual(expect.arrayContaining(PUBLIC_RUNTIME_EXPORTS));
    for (const name of PUBLIC_RUNTIME_EXPORTS) expect((core as Record<string, unknown>)[name], name).toBeDefined();
  });

  it('re-exports the modules themselves, not copies', () => {
    expect(core.createQueue).toBe(createQueue);
    expect(core.Lifecycle).toBe(Lifecycle);
    expect(core.resolveRetryPolicy).toBe(resolveRetryPolicy);
  });

  it('lists every capability name once', () => {
    expect(new Set(core.CAPABILITY_NAMES).size).toBe(core.CAPABILITY_NAMES.length);
    expect(core.CAPABILITY_NAMES).toHaveLength(14);
  });
});
