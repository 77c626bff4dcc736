import { randomBytes } from 'node:crypto';

/** Makes message and consumer ids. Must return a new unique string on every call. */
export type IdGenerator = () => string;

/**
 * The default id generator: a 16-hex-char random prefix drawn once per generator (64 bits), a dash,
 * then a decimal counter. Unique across processes with overwhelming probability and far cheaper
 * than a UUID on the publish hot path. Not meant to be sorted.
 */
export function createIdGenerator(): IdGenerator {
  const prefix = `${randomBytes(8).toString('hex')}-`;
  let counter = 0;
  return () => prefix + ++counter;
}
