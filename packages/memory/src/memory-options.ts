import { ConfigError, optionalInt, optionalOneOf, optionalNumber, rejectUnknownKeys, requireObject, validateQueueName, ValidationError } from '@mqkit/core';
import { MemoryBroker } from './memory-broker.js';

export interface MemoryOptions {
  /**
   * The in-process storage. Several `createQueue({ provider: memory({ broker }) })` on one broker
   * behave like several processes on one server (shared queues, competing consumers). Default: a
   * broker of this provider's own.
   */
  readonly broker?: MemoryBroker;
  /**
   * Most messages a queue holds waiting (ready, delayed, or held behind their partition key;
   * in-flight ones are bounded by the consumers' concurrency × batchSize). Only publishes are held
   * to it: retries, released and expired leases and replays may take a queue past it. A publish that would exceed it waits for room
   * (`onFull: 'wait'`, the default) or throws QueueFullError (`onFull: 'reject'`). Default 1,000,000.
   */
  readonly capacity?: number;
  /** Keep a dedupe key this long after its message settled. Default 0: only while it is queued or in flight. */
  readonly dedupeWindowMs?: number;
  /** Declared queue names. When given, any other name throws UnknownQueueError. Default: any name. */
  readonly queues?: readonly string[];
  /**
   * `'none'` (default): payloads are passed by reference, the fastest. `'json'`: each payload is
   * stored as JSON and every delivery parses its own copy, as a durable provider would — a payload
   * JSON cannot carry is refused at publish with a ValidationError, and mutations never leak
   * between publisher, deliveries and retries. Use `'json'` in tests of code headed for a durable provider.
   */
  readonly serialization?: 'none' | 'json';
}

export interface ResolvedMemoryOptions {
  readonly broker: MemoryBroker;
  readonly capacity: number;
  readonly dedupeWindowMs: number;
  readonly queues: ReadonlySet<string> | undefined;
  readonly serialization: 'none' | 'json';
}

const KEYS = ['broker', 'capacity', 'dedupeWindowMs', 'queues', 'serialization'];

export function resolveMemoryOptions(input: unknown): ResolvedMemoryOptions {
  const o = input === undefined ? {} : requireObject(input, 'memory options', 'call memory() or memory({ capacity, … })');
  rejectUnknownKeys(o, 'memory', KEYS);
  if (o.broker !== undefined && !(o.broker instanceof MemoryBroker)) {
    throw new ConfigError('memory.broker', 'is not a MemoryBroker', "pass new MemoryBroker() from '@mqkit/memory', or leave it out");
  }
  let queues: Set<string> | undefined;
  if (o.queues !== undefined) {
    if (!Array.isArray(o.queues) || o.queues.length === 0) {
      throw new ConfigError('memory.queues', 'expected a non-empty array of queue names', "pass queues: ['orders', …] or leave it out to accept any name");
    }
    queues = new Set(
      o.queues.map((q: unknown, i) => {
        try {
          return validateQueueName(q, `memory.queues[${i}]`);
        } catch (error) {
          if (error instanceof ValidationError) throw new ConfigError(error.field, 'is not a valid queue name', error.fix);
          throw error;
        }
      }),
    );
  }
  return {
    broker: o.broker ?? new MemoryBroker(),
    capacity: optionalInt(o.capacity, 'memory.capacity', 1, 1_000_000),
    dedupeWindowMs: optionalNumber(o.dedupeWindowMs, 'memory.dedupeWindowMs', 0, 0),
    queues,
    serialization: optionalOneOf(o.serialization, 'memory.serialization', ['none', 'json'], 'none'),
  };
}
