// Runs the BUILT `mqkit` binary (dist/bin.js, as users get it: `pnpm build` first) as a
// subprocess, stdin not a terminal, with an environment of the test's choosing.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', '..', 'dist', 'bin.js');

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Connection variables of the test runner's own environment never leak into a run. */
const CLEARED = ['DATABASE_URL', 'REDIS_URL', 'MQKIT_CONFIG', 'AWS_REGION', 'AWS_DEFAULT_REGION'];

/** A running `mqkit`: its output so far, and how it ended. */
export interface Running {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly done: Promise<Run>;
}

export function startMqkit(args: readonly string[], env: Record<string, string> = {}): Running {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !CLEARED.includes(k)));
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...base, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<Run>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, stdout: () => stdout, done };
}

export async function mqkit(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<Run> {
  const running = startMqkit(args, env);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      running.child.kill('SIGKILL');
      reject(new Error(`mqkit ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout: ${running.stdout()}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([running.done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A run's stdout as JSON, failing with the run's output when it is not. */
export function json<T = unknown>(run: Run): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\nstderr: ${run.stderr}`);
  }
}
