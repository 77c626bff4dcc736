// Wide consumers: many slots waiting on one queue at once.
import { createQueue } from '@mqkit/core';
import { Deliveries, uniqueQueueName, until } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { memory } from '../src/index.js';

describe('concurrency', () => {
  it('a consumer with 32 idle slots raises no MaxListenersExceededWarning and serves every message once', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    const queue = await createQueue({ provider: memory() });
    try {
      const name = uniqueQueueName('wide');
      const seen = new Deliveries();
      queue.consume(name, seen.processor(), { concurrency: 32 });
      // Let every slot reach its waiting receive before anything is published.
      for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
      const { ids } = await queue.publish(name, Array.from({ length: 100 }, (_, i) => ({ payload: i })));
      await until(() => ids.every((id) => seen.count(id) === 1), 5_000, 'every message delivered');
      await queue.close({ timeoutMs: 1_000 });
      // Warnings are emitted on the next tick; give them one.
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
      expect(ids.every((id) => seen.count(id) === 1)).toBe(true);
    } finally {
      process.off('warning', onWarning);
      await queue.close();
    }
  });
});
