import { ConfigError } from '../errors/config-error.js';

/**
 * Small validators for configuration objects. Each throws a {@link ConfigError} naming the field
 * and the fix; `undefined` means "not given" and returns the default.
 */
export function optionalInt(value: unknown, field: string, min: number, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(field, `expected an integer from ${min} to ${max}, got ${describe(value)}`, `set ${field} to an integer ≥ ${min}`);
  }
  return value;
}

export function optionalNumber(value: unknown, field: string, min: number, fallback: number, max = Number.MAX_VALUE): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(field, `expected a number from ${min} to ${max}, got ${describe(value)}`, `set ${field} to a finite number in that range`);
  }
  return value;
}

export function optionalBoolean(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new ConfigError(field, `expected true or false, got ${describe(value)}`, `set ${field} to a boolean`);
  }
  return value;
}

export function optionalOneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new ConfigError(field, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`, `set ${field} to one of those values`);
  }
  return value as T;
}

export function optionalFunction<F>(value: unknown, field: string, fallback: F): F {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') {
    throw new ConfigError(field, `expected a function, got ${describe(value)}`, `pass a function for ${field} or leave it out`);
  }
  return value as F;
}

export function requireObject(value: unknown, field: string, fix: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(field, `expected an object, got ${describe(value)}`, fix);
  }
  return value as Record<string, unknown>;
}

/** Rejects keys the caller does not know: a typo must not be silently ignored. */
export function rejectUnknownKeys(value: Record<string, unknown>, field: string, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const path = field ? `${field}.${key}` : key;
      throw new ConfigError(path, 'unknown option', `remove it, or use one of: ${known.join(', ')}`);
    }
  }
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    default:
      return 'an object';
  }
}
