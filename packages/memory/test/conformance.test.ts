import { runQueueConformance } from '@mqkit/testkit';
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
      async setup() {
        const broker = new MemoryBroker(); // one world = one "server"; each provider is a "process" on it
        return {
          createProvider: (over) => memory({ ...options, ...over, broker }),
          crash: async (provider) => (provider as MemoryProvider).simulateCrash(),
          teardown: async () => undefined,
        };
      },
    },
    { repeat: Number(process.env.MQKIT_STRESS ?? 1) },
  );
}
