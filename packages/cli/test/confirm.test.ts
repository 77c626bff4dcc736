// The confirmation rule on its own, with a terminal that answers (the end-to-end tests have none).
import { describe, expect, it } from 'vitest';
import { confirm } from '../src/output/confirm.js';
import type { Io } from '../src/output/io.js';
import { CliError, ExitCode } from '../src/exit-codes.js';

function terminal(answer: string | undefined): Io & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    out() {},
    err() {},
    interactive: answer !== undefined,
    ask: (question) => {
      asked.push(question);
      return Promise.resolve(answer ?? '');
    },
  };
}

async function refusal(p: Promise<void>): Promise<CliError> {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe('confirm', () => {
  it('--yes goes ahead without asking', async () => {
    const io = terminal('no');
    await confirm(io, 'purge 3', true);
    expect(io.asked).toEqual([]);
  });

  it('at a terminal, "yes" goes ahead and anything else refuses with exit 4', async () => {
    await confirm(terminal(' YES '), 'purge 3', false);
    const io = terminal('y');
    expect((await refusal(confirm(io, 'purge 3', false))).exitCode).toBe(ExitCode.Refused);
    expect(io.asked[0]).toContain('purge 3');
  });

  it('without a terminal and without --yes it refuses (exit 4) without asking, saying to pass --yes', async () => {
    const io = terminal(undefined);
    const error = await refusal(confirm(io, 'purge 3', false));
    expect(error.exitCode).toBe(ExitCode.Refused);
    expect(error.message).toMatch(/pass --yes/);
    expect(io.asked).toEqual([]);
  });
});
