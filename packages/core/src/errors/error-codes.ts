/** Stable error codes: match on these (or on the classes), never on message text. */
export const ErrorCode = {
  Permanent: 'MQKIT_PERMANENT',
  Retryable: 'MQKIT_RETRYABLE',
  Timeout: 'MQKIT_TIMEOUT',
  Shutdown: 'MQKIT_SHUTDOWN',
  Config: 'MQKIT_CONFIG',
  Validation: 'MQKIT_VALIDATION',
  LeaseLost: 'MQKIT_LEASE_LOST',
  Closed: 'MQKIT_CLOSED',
  UnknownQueue: 'MQKIT_UNKNOWN_QUEUE',
  Decode: 'MQKIT_DECODE',
  PayloadTooLarge: 'MQKIT_PAYLOAD_TOO_LARGE',
  QueueFull: 'MQKIT_QUEUE_FULL',
  ListenerOverload: 'MQKIT_LISTENER_OVERLOAD',
  DuplicateId: 'MQKIT_DUPLICATE_ID',
  Schema: 'MQKIT_SCHEMA',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
