export { memory, MemoryProvider } from './memory-provider.js';
export { MemoryBroker } from './memory-broker.js';
export type { MemoryOptions } from './memory-options.js';
