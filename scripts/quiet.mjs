#!/usr/bin/env node
// Runs a command with its output held back in a log file, and prints that log only if the command
// fails. `pnpm bench` and `pnpm demo` build with it, so a build that works shows one line instead
// of ~80 lines of turbo and tsup log, and a build that breaks still shows all it said, in order.
//   node scripts/quiet.mjs <command> [args...]
// Exits with the command's exit code (1 if it could not start or died of a signal).
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [command, ...args] = process.argv.slice(2);
if (command === undefined) {
  console.error('usage: node scripts/quiet.mjs <command> [args...]');
  process.exit(2);
}
const shown = [command, ...args].join(' ');
process.stderr.write(`${shown} (output shown only if it fails)\n`);

// One file for stdout and stderr, so the log keeps the order the lines were written in.
const dir = mkdtempSync(join(tmpdir(), 'mqkit-quiet-'));
const logPath = join(dir, 'output.log');
const log = openSync(logPath, 'w');

function finish(failure) {
  closeSync(log);
  if (failure !== undefined) {
    process.stderr.write(readFileSync(logPath));
    process.stderr.write(`\n${shown} failed (${failure})\n`);
  }
  rmSync(dir, { recursive: true, force: true });
}

// Windows finds turbo.cmd and friends only through a shell.
const child = spawn(command, args, { stdio: ['inherit', log, log], shell: process.platform === 'win32' });
let started = true;
child.on('error', (error) => {
  started = false;
  finish(`could not start: ${error.message}`);
  process.exitCode = 1;
});
child.on('close', (code, signal) => {
  if (!started) return;
  if (code === 0) return finish(undefined);
  finish(signal === null ? `exit code ${code}` : `killed by ${signal}`);
  process.exitCode = code ?? 1;
});
