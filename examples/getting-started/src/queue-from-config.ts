import { ConfigError, rejectUnknownKeys, requireObject, type QueueProvider } from '@mqkit/core';
import { memory } from '@mqkit/memory';

/**
 * The provider, chosen from configuration: the one place that changes when an application moves
 * to another backend, since application code depends on the `Queue` type only.
 *
 * This example runs on `memory`. Postgres (`@mqkit/prisma`), MongoDB (`@mqkit/mongodb`) and AWS
 * Kinesis (`@mqkit/kinesis`) need clients of yours (a PrismaClient; a `Db`; a KinesisClient and a
 * Redis): each has an example of its own. Naming one of them here throws a ConfigError rather than
 * quietly running on memory.
 */

/** Provider names this example can build. */
export const AVAILABLE_PROVIDERS = ['memory'] as const;
/** Providers that exist but need more than a name (a client): examples of their own show them. */
export const ELSEWHERE: Readonly<Record<string, string>> = { prisma: 'examples/prisma-postgres', mongodb: 'examples/mongodb', kinesis: 'examples/kinesis' };

export interface ProviderConfig {
  /** Which backend. Typically read from a config file or an environment variable. */
  readonly provider: string;
}

/**
 * The provider named by `config.provider`. Throws {@link ConfigError} with `field: 'provider'` and
 * a fix for a provider that needs a client or an unknown name (and a ConfigError for a config that is not
 * `{ provider: string }`: configuration comes from outside, so its shape is checked too).
 */
export function providerFromConfig(config: ProviderConfig): QueueProvider {
  const o = requireObject(config, 'config', "pass { provider: 'memory' }");
  rejectUnknownKeys(o, '', ['provider']);
  const name = o.provider;
  switch (name) {
    case 'memory':
      return memory();
    // An application with a PrismaClient adds: case 'prisma': return prisma({ client, listen: url }).
  }
  const fix = `set provider to 'memory', the one this example runs on`;
  if (typeof name === 'string' && ELSEWHERE[name] !== undefined) {
    throw new ConfigError('provider', `"${name}" needs your clients, which this example does not have`, `${fix}, or run ${ELSEWHERE[name]}`);
  }
  const got = typeof name === 'string' ? JSON.stringify(name) : String(name);
  throw new ConfigError('provider', `expected one of ${AVAILABLE_PROVIDERS.join(', ')} (with clients of yours: ${Object.keys(ELSEWHERE).join(', ')}), got ${got}`, fix);
}
