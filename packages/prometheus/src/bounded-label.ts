/** The value OpenTelemetry uses for an error type it does not name, and ours for an overflow. */
export const OTHER = '_OTHER';

const SAFE = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * Keeps a label whose values come from outside (error types, operation names, listener names)
 * bounded: the first `max` distinct values pass, later new ones become `_OTHER`, and a value that
 * does not look like a name (spaces, ids, over 64 characters) is `_OTHER` at once.
 */
export class BoundedLabel {
  readonly #seen = new Set<string>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  value(raw: string): string {
    if (this.#seen.has(raw)) return raw;
    if (!SAFE.test(raw) || this.#seen.size >= this.#max) return OTHER;
    this.#seen.add(raw);
    return raw;
  }
}

/**
 * A low-cardinality name for an error, as OpenTelemetry's `error.type`: its `code` when it has a
 * name-like one (mqkit's `MQKIT_TIMEOUT`, Node's `ECONNRESET`), else its `name` (`TypeError`),
 * else `_OTHER`. Messages are never used: they carry ids.
 */
export function errorTypeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && SAFE.test(code)) return code;
    if (typeof name === 'string' && SAFE.test(name)) return name;
  }
  return OTHER;
}
