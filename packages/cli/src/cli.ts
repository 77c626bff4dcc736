import yargs, { type Argv } from 'yargs';
import { dlqCommands } from './commands/dlq.js';
import { kinesisCommands } from './commands/kinesis.js';
import { statsCommand } from './commands/stats.js';
import { CliError, ExitCode, isConnectionError } from './exit-codes.js';
import { processIo, type Io } from './output/io.js';

const EPILOGUE = 'Exit codes: 0 ok, 1 operation failed, 2 usage error, 3 connection failed, 4 refused or not confirmed. Docs: docs/cli.md';

function parser(argv: readonly string[], io: Io): Argv {
  let y: Argv = yargs([...argv])
    .scriptName('mqkit')
    .usage('$0 <command> [options]\n\nInspect, replay and repair mqkit queues and Kinesis shard coordination.')
    .option('config', { alias: 'c', type: 'string', describe: 'a JS/MJS module whose default export is your QueueConfig (or a function returning it) [env MQKIT_CONFIG]' })
    .option('postgres-url', { type: 'string', describe: 'Postgres through @mqkit/prisma [env DATABASE_URL]' })
    .option('schema', { type: 'string', describe: "the Postgres schema of mqkit's tables (default mqkit)" })
    .option('redis-url', { type: 'string', describe: 'Redis of the Kinesis coordination [env REDIS_URL]' })
    .option('stream', { type: 'string', describe: 'the Kinesis stream (kinesis commands)' })
    .option('kinesis-endpoint', { type: 'string', describe: 'a Kinesis endpoint (an emulator, a VPC endpoint)' })
    .option('region', { type: 'string', describe: 'the AWS region [env AWS_REGION]' })
    .option('application', { type: 'string', describe: "the workers' kinesis({ application }) (default mqkit)" })
    .option('key-prefix', { type: 'string', describe: "the workers' kinesis({ keyPrefix }) (default mqkit:kinesis:)" })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON for scripts instead of tables' })
    .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'do a destructive step without asking' })
    .group(['config', 'postgres-url', 'schema', 'redis-url', 'stream', 'kinesis-endpoint', 'region', 'application', 'key-prefix'], 'Connection:')
    .group(['json', 'yes', 'help', 'version'], 'Output:');
  y = kinesisCommands(y, io);
  y = dlqCommands(y, io);
  y = statsCommand(y, io);
  return y
    .completion('completion', 'print a bash/zsh completion script (mqkit completion >> ~/.bashrc)')
    .demandCommand(1, 'say which command (mqkit --help lists them)')
    .recommendCommands()
    .strict()
    .epilogue(EPILOGUE)
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err !== undefined && err !== null) throw err;
      throw new CliError(ExitCode.Usage, `${msg} (mqkit --help shows the usage)`);
    });
}

/**
 * Runs `mqkit` with these arguments and resolves its exit code (never rejects): errors are printed
 * to stderr as one line saying what to do.
 */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  try {
    await parser(argv, io).parseAsync();
    return ExitCode.Ok;
  } catch (error) {
    const code = error instanceof CliError ? error.exitCode : isConnectionError(error) ? ExitCode.Connection : ExitCode.Failed;
    io.err(`mqkit: ${error instanceof Error ? error.message : String(error)}`);
    return code;
  }
}
