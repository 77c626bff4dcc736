import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { QueueConfig } from '@mqkit/core';
import { CliError, ExitCode } from '../exit-codes.js';

/**
 * The application's own DI config: a JS/MJS module whose default export is a `QueueConfig` for
 * `createQueue`, or a function returning one (or a promise of one).
 */
export async function loadConfig(file: string): Promise<QueueConfig> {
  const path = resolve(file);
  if (!existsSync(path)) throw new CliError(ExitCode.Usage, `config file ${path} does not exist (--config / MQKIT_CONFIG): pass the path of a module whose default export is your QueueConfig`);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (error) {
    throw new CliError(ExitCode.Usage, `config file ${path} failed to load: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  let config = mod.default;
  if (typeof config === 'function') config = await (config as () => unknown)();
  if (typeof config !== 'object' || config === null || typeof (config as { provider?: unknown }).provider !== 'object') {
    throw new CliError(ExitCode.Usage, `config file ${path} must export default a QueueConfig ({ provider, … }) or a function returning one; it exported ${config === null ? 'null' : typeof config}`);
  }
  return config as QueueConfig;
}
