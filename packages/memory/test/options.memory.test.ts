// memory(options) validation: every bad option is a ConfigError naming `memory.<option>`, thrown by memory() itself.
import { ConfigError, ErrorCode } from '@mqkit/core';
import { describe, expect, it } from 'vitest';
import { MemoryBroker, memory, type MemoryOptions } from '../src/index.js';

/** The ConfigError `memory(options)` throws, synchronously (fails the test if it does not throw one). */
function configErrorOf(options: unknown): ConfigError {
  let caught: unknown;
  try {
    memory(options as MemoryOptions);
  } catch (error) {
    caught = error;
  }
  expect(caught, 'memory(...) throws at once').toBeInstanceOf(ConfigError);
  return caught as ConfigError;
}

describe('memory() options validation', () => {
  it.each([
    { what: 'a capacity of 0', options: { capacity: 0 }, field: 'memory.capacity' },
    { what: 'a fractional capacity', options: { capacity: 1.5 }, field: 'memory.capacity' },
    { what: 'a capacity that is not a number', options: { capacity: '10' }, field: 'memory.capacity' },
    { what: 'a negative dedupeWindowMs', options: { dedupeWindowMs: -1 }, field: 'memory.dedupeWindowMs' },
    { what: 'a misspelt option', options: { capcity: 5 }, field: 'memory.capcity' },
    { what: 'a broker that is not a MemoryBroker', options: { broker: {} }, field: 'memory.broker' },
    { what: 'an empty queues list', options: { queues: [] }, field: 'memory.queues' },
    { what: 'queues given as a string', options: { queues: 'orders' }, field: 'memory.queues' },
    { what: 'an invalid queue name in queues', options: { queues: ['bad name!'] }, field: 'memory.queues[0]' },
    { what: 'an invalid second queue name', options: { queues: ['good', 'bad name!'] }, field: 'memory.queues[1]' },
    { what: 'an unknown serialization', options: { serialization: 'xml' }, field: 'memory.serialization' },
  ])('memory() rejects $what with a ConfigError naming $field', ({ options, field }) => {
    const error = configErrorOf(options);
    expect(error.field).toBe(field);
    expect(error.code).toBe(ErrorCode.Config);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(field);
    expect(error.fix.length, 'the error says how to fix it').toBeGreaterThan(0);
  });

  it('an unknown option is reported with the list of known options', () => {
    const error = configErrorOf({ capcity: 5 });
    for (const known of ['broker', 'capacity', 'dedupeWindowMs', 'queues', 'serialization']) expect(error.fix).toContain(known);
  });

  it('a broker that is not a MemoryBroker is reported with how to make one', () => {
    const error = configErrorOf({ broker: {} });
    expect(error.fix).toContain('new MemoryBroker()');
  });

  it('memory() accepts no options, and every option with a valid value', () => {
    expect(() => memory()).not.toThrow();
    expect(() => memory({})).not.toThrow();
    expect(() =>
      memory({ broker: new MemoryBroker(), capacity: 1, dedupeWindowMs: 0, queues: ['orders', 'a.b_c:d-1'], serialization: 'json' }),
    ).not.toThrow();
    expect(() => memory({ capacity: 5_000_000, dedupeWindowMs: 1.5, serialization: 'none' })).not.toThrow();
  });
});
