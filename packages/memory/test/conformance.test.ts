import { createQueue, type Queue } from '@mqkit/core';
import { pausable, runQueueConformance, type PausableProvider } from '@mqkit/testkit';
import { describe, it } from 'vitest';
import { MemoryBroker, memory, type MemoryProvider } from '../src/index.js';

// The suite runs for both payload modes: by reference (default) and serialized as a durable provider would.
for (const [name, options] of [['memory', {}], ['memory (serialization: json)', { serialization: 'json' }]] as const) {
  const probe = memory(options);
  runQueueConformance(
    { describe, it },
    {
      name,
      capabilities: probe.capabilities,
      capabilityNotes: probe.capabilityNotes,
      canCrash: true,
      canPause: true,
      async setup() {
        const broker = new MemoryBroker(); // one world = one "server"; each queue is a "process" on it
        const processes = new Map<Queue, { provider: MemoryProvider; freezer: PausableProvider }>();
        return {
          async createQueue(config) {
            const provider = memory({ ...options, broker });
            const freezer = pausable(provider);
            const queue = await createQueue({ ...config, provider: freezer.provider });
            processes.set(queue, { provider, freezer });
            return queue;
          },
          crash: async (queue) => processes.get(queue)?.provider.simulateCrash(),
          pause: async (queue) => processes.get(queue)?.freezer.pause(),
          resume: async (queue) => processes.get(queue)?.freezer.resume(),
          teardown: async () => void (await Promise.all([...processes.keys()].map((q) => q.close({ timeoutMs: 100 })))),
        };
      },
    },
    { repeat: Number(process.env.MQKIT_STRESS ?? 1) },
  );
}
