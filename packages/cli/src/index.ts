/**
 * @mqkit/cli — the `mqkit` operator CLI. The binary is `mqkit`; `run(argv)` runs it in-process
 * (embedding, tests) and resolves the exit code.
 */
export { run } from './cli.js';
export { ExitCode, CliError } from './exit-codes.js';
export type { Io } from './output/io.js';
