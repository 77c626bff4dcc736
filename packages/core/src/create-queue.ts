import { resolveConfig, type QueueConfig } from './config.js';
import type { Queue } from './contracts/queue.js';
import { MqkitQueue } from './runtime/mqkit-queue.js';

/**
 * Builds a {@link Queue} on the configured provider. Validates the whole config first (throwing
 * {@link ConfigError} naming the field and the fix), then opens the provider.
 *
 * ```ts
 * const queue = await createQueue({ provider: memory(), lifecycle: [metrics] });
 * ```
 */
export async function createQueue(config: QueueConfig): Promise<Queue> {
  const resolved = resolveConfig(config);
  await resolved.provider.open({ clock: resolved.clock, logger: resolved.logger, ids: resolved.ids, lifecycle: resolved.lifecycle });
  return new MqkitQueue(resolved);
}
