/**
 * What `mqkit` exits with (docs/cli.md lists them): scripts branch on these, never on the text.
 */
export const ExitCode = {
  /** Done. */
  Ok: 0,
  /** The operation ran and failed (a provider error, a replay that stopped half-way). */
  Failed: 1,
  /** Bad flags, a missing argument, a config file that does not load. */
  Usage: 2,
  /** A server (Postgres, Redis, Kinesis) did not answer. */
  Connection: 3,
  /** Refused: unsafe (e.g. a checkpoint moving backwards) or not confirmed (no `--yes` and no terminal to ask). */
  Refused: 4,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as one line ("mqkit: …") with its exit code and what to do. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EPIPE']);

/** Whether an error (or one it wraps) says a server could not be reached. */
export function isConnectionError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && /connect ECONNREFUSED|getaddrinfo|Connection is closed|connection timeout|Connection terminated|Timeout connecting|ETIMEDOUT/i.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isConnectionError(x, depth + 1))) return true;
  return isConnectionError(e.cause, depth + 1);
}
