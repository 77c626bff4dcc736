/**
 * @mqkit/mongodb — a durable MongoDB queue with atomic claims, fenced settlement and change-stream wake-up.
 */
export { mongodb, MongoProvider } from './mongodb-provider.js';
export type { MongoOptions, CollectionNames, WakeUpMode } from './mongodb-options.js';
export { ensureIndexes, missingIndexes, INDEXES, type IndexSpec } from './indexes.js';
