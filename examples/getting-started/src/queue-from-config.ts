import { ConfigError, rejectUnknownKeys, requireObject, type QueueProvider } from '@mqkit/core';
import { memory } from '@mqkit/memory';

/**
 * The provider, chosen from configuration: the one place that changes when an application moves
 * to another backend, since application code depends on the `Queue` type only.
 *
 * Only `memory` exists today. Postgres (through your Prisma client), MongoDB and AWS Kinesis are
 * planned and not built: naming one throws a ConfigError rather than quietly running on memory.
 */

/** Provider names that work today. */
export const AVAILABLE_PROVIDERS = ['memory'] as const;
/** Provider names that are planned and not built yet. They will be added here, one case each. */
export const PLANNED_PROVIDERS = ['prisma', 'mongodb', 'kinesis'] as const;

export interface ProviderConfig {
  /** Which backend. Typically read from a config file or an environment variable. */
  readonly provider: string;
}

/**
 * The provider named by `config.provider`. Throws {@link ConfigError} with `field: 'provider'` and
 * a fix for a planned provider or an unknown name (and a ConfigError for a config that is not
 * `{ provider: string }`: configuration comes from outside, so its shape is checked too).
 */
export function providerFromConfig(config: ProviderConfig): QueueProvider {
  const o = requireObject(config, 'config', "pass { provider: 'memory' }");
  rejectUnknownKeys(o, '', ['provider']);
  const name = o.provider;
  switch (name) {
    case 'memory':
      return memory();
    // One case per provider once it exists, e.g. case 'prisma': return prisma({ client }).
  }
  const fix = `set provider to 'memory', the only provider available today`;
  if ((PLANNED_PROVIDERS as readonly unknown[]).includes(name)) {
    throw new ConfigError('provider', `"${String(name)}" is planned but not built yet`, fix);
  }
  const got = typeof name === 'string' ? JSON.stringify(name) : String(name);
  throw new ConfigError('provider', `expected one of ${AVAILABLE_PROVIDERS.join(', ')} (planned, not built yet: ${PLANNED_PROVIDERS.join(', ')}), got ${got}`, fix);
}
