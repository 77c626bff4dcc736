import { describe, expect, it } from 'vitest';
import { ack, deadLetter, retry } from '../src/contracts/outcome.js';
import { DEFAULT_RETRY_POLICY } from '../src/retry/retry-policy.js';
import { ackAll, fromOutcomes, type PlannedSettlement } from '../src/runtime/outcome-settlement.js';
import { leadingRun, orderSafe } from '../src/runtime/settlement-order.js';
import { messages } from './fixtures.js';

const NOW = 1_000;
const plan = (batch: ReturnType<typeof messages>, outcomes: Parameters<typeof fromOutcomes>[1]): PlannedSettlement => fromOutcomes(batch, outcomes, DEFAULT_RETRY_POLICY, NOW, () => 0);
const ids = (p: PlannedSettlement) => ({
  ack: p.ack.map((m) => m.id),
  retry: p.retry.map((r) => r.message.id),
  deadLetter: p.deadLetter.map((d) => d.message.id),
  release: p.release.map((m) => m.id),
  failures: p.failures.map((f) => f.message.id),
});

describe('orderSafe (ordered consumers)', () => {
  it('releases every later message of a key once one of its messages is not acked, and leaves other keys alone', () => {
    const batch = messages(6).map((m, i) => ({ ...m, partitionKey: ['a', 'a', 'b', 'a', 'b', 'c'][i] }));
    const p = orderSafe(plan(batch, [ack(), retry(new Error('x')), ack(), ack(), deadLetter(new Error('y')), ack()]), batch);
    expect(ids(p)).toEqual({ ack: ['m1', 'm3', 'm6'], retry: ['m2'], deadLetter: ['m5'], release: ['m4'], failures: ['m2', 'm5'] });
  });

  it('a later failure of a blocked key is released too (its attempt is not counted)', () => {
    const batch = messages(3).map((m) => ({ ...m, partitionKey: 'k' }));
    const p = orderSafe(plan(batch, [retry(new Error('1')), retry(new Error('2')), deadLetter(new Error('3'))]), batch);
    expect(ids(p)).toEqual({ ack: [], retry: ['m1'], deadLetter: [], release: ['m2', 'm3'], failures: ['m1'] });
  });

  it('messages without a partition key are never held back', () => {
    const batch = messages(3);
    const p = orderSafe(plan(batch, [retry(new Error('x')), ack(), ack()]), batch);
    expect(ids(p)).toMatchObject({ ack: ['m2', 'm3'], retry: ['m1'], release: [] });
  });

  it('returns the plan itself when every message is acked', () => {
    const batch = messages(3).map((m) => ({ ...m, partitionKey: 'k' }));
    const all = ackAll(batch);
    expect(orderSafe(all, batch)).toBe(all);
  });
});

describe('leadingRun (providers without perMessageSettle)', () => {
  it('acks the leading run, keeps the first failure and releases everything after it', () => {
    const batch = messages(5);
    const p = leadingRun(plan(batch, [ack(), ack(), deadLetter(new Error('bad')), ack(), retry(new Error('x'))]), batch);
    expect(ids(p)).toEqual({ ack: ['m1', 'm2'], retry: [], deadLetter: ['m3'], release: ['m4', 'm5'], failures: ['m3'] });
  });

  it('a batch that failed whole keeps the failure of its first message only', () => {
    const batch = messages(3);
    const failed = fromOutcomes(batch, [retry(new Error('a')), retry(new Error('a')), retry(new Error('a'))], DEFAULT_RETRY_POLICY, NOW);
    expect(ids(leadingRun(failed, batch))).toEqual({ ack: [], retry: ['m1'], deadLetter: [], release: ['m2', 'm3'], failures: ['m1'] });
  });

  it('returns the plan itself when every message is acked', () => {
    const batch = messages(2);
    const all = ackAll(batch);
    expect(leadingRun(all, batch)).toBe(all);
  });
});
