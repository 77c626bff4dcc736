/** How the provider tells Kinesis failures apart: by the SDK's error `name`, never by message text. */
const THROTTLES = new Set(['ProvisionedThroughputExceededException', 'KMSThrottlingException', 'LimitExceededException', 'ThrottlingException']);

function nameOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const name = (error as { name?: unknown; code?: unknown }).name ?? (error as { code?: unknown }).code;
  return typeof name === 'string' ? name : undefined;
}

/** Throttling (read or write throughput, KMS): back off, never a failure. */
export function isThrottle(error: unknown): boolean {
  const name = nameOf(error);
  return name !== undefined && THROTTLES.has(name);
}

export function isThrottleCode(code: string | undefined): boolean {
  return code !== undefined && THROTTLES.has(code);
}

export function isExpiredIterator(error: unknown): boolean {
  return nameOf(error) === 'ExpiredIteratorException';
}

export function isNotFound(error: unknown): boolean {
  return nameOf(error) === 'ResourceNotFoundException';
}

export function isInUse(error: unknown): boolean {
  return nameOf(error) === 'ResourceInUseException';
}

/** A position the stream does not have any more (trimmed by retention) or that is malformed. */
export function isInvalidArgument(error: unknown): boolean {
  return nameOf(error) === 'InvalidArgumentException';
}
