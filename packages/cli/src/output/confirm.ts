import { CliError, ExitCode } from '../exit-codes.js';
import type { Io } from './io.js';

/**
 * A destructive step goes ahead with `--yes`, or when a person at a terminal types "yes".
 * Without either it is refused (exit 4): a script must say `--yes` on purpose.
 */
export async function confirm(io: Io, what: string, yes: boolean): Promise<void> {
  if (yes) return;
  if (!io.interactive) {
    throw new CliError(ExitCode.Refused, `not confirmed: ${what}. There is no terminal to ask; pass --yes to do it (or --dry-run, where the command has it, to see what it would do)`);
  }
  const answer = await io.ask(`${what}.\nType "yes" to go ahead: `);
  if (answer.trim().toLowerCase() !== 'yes') throw new CliError(ExitCode.Refused, 'not confirmed: nothing was changed');
}
