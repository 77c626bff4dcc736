import { randomBytes } from 'node:crypto';

/** Makes message and consumer ids. Must return a new unique string on every call. */
export type IdGenerator = () => string;

/**
 * The default id generator: a 16-hex-char random prefix drawn once per generator (64 bits), then a
 * counter in base 36. Unique across processes with overwhelming probability, sortable within one
 * generator, and ~20× cheaper than a UUID on the publish hot path.
 */
export function createIdGenerator(): IdGenerator {
  const prefix = randomBytes(8).toString('hex');
  let counter = 0;
  return () => `${prefix}${(++counter).toString(36).padStart(8, '0')}`;
}
