// A settlement as one unordered bulk of per-document fenced writes (commands/settle.ts), and how a
// short bulk is reconciled into { lost } from a read-back.
import type { Message, Settlement } from '@mqkit/core';
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { markDeadUpdate, planSettle, reconcile, releaseUpdate, retryUpdate, tombstoneUpdate, type HeldMessage } from '../../src/commands/settle.js';

const msg = (id: string): Message => ({ id, queue: 'jobs', type: 'default', payload: null, createdAt: 0, runAt: 0, attempt: 1, maxAttempts: 3, headers: {} });
const error = { name: 'Error', message: '$100 refund failed' };

function claimOf(...entries: Array<[string, boolean]>): Map<string, HeldMessage> {
  return new Map(entries.map(([id, holdsKey]) => [id, { _id: new ObjectId(), holdsKey }]));
}
const settlement = (s: Partial<Settlement>): Settlement => ({ ack: [], retry: [], deadLetter: [], release: [], ...s });
const ctx = { token: 'T', dedupeWindowMs: 0, leaseMs: 1_000 };

describe('planSettle', () => {
  it('one operation per message, each filtered by its _id and the claim token', () => {
    const held = claimOf(['a', false], ['b', false], ['c', false], ['d', false]);
    const plan = planSettle(held, settlement({ ack: [msg('a')], retry: [{ message: msg('b'), runAt: 5, delayMs: 100, error }], release: [msg('c')], deadLetter: [{ message: msg('d'), reason: 'permanent', error }] }), ctx);
    expect(plan.ops.map((o) => [o.id, o.kind])).toEqual([['a', 'ack-delete'], ['b', 'retry'], ['c', 'release'], ['d', 'dead']]);
    for (const o of plan.ops) {
      const filter = 'deleteOne' in o.op ? o.op.deleteOne.filter : 'updateOne' in o.op ? o.op.updateOne.filter : undefined;
      expect(filter).toEqual({ _id: held.get(o.id)!._id, token: 'T' });
    }
    expect(plan.expected).toEqual({ deleted: 1, matched: 3 });
  });

  it('an ack of a message holding a dedupe key becomes its tombstone when there is a window, a delete when there is none', () => {
    const held = claimOf(['a', true], ['b', false]);
    expect(planSettle(held, settlement({ ack: [msg('a'), msg('b')] }), { ...ctx, dedupeWindowMs: 500 }).ops.map((o) => o.kind)).toEqual(['ack-tombstone', 'ack-delete']);
    expect(planSettle(held, settlement({ ack: [msg('a'), msg('b')] }), ctx).ops.map((o) => o.kind)).toEqual(['ack-delete', 'ack-delete']);
  });

  it('a message no longer part of the claim (dead-lettered as undecodable at receive) gets no operation', () => {
    expect(planSettle(claimOf(['a', false]), settlement({ ack: [msg('a'), msg('gone')] }), ctx).ops.map((o) => o.id)).toEqual(['a']);
  });
});

describe('settle updates', () => {
  it('retry: token cleared, due after its delay by $$NOW, the error and runAt kept as literals, stamped settledBy', () => {
    expect(retryUpdate(250, 42, error, 'T')).toEqual([
      { $set: { token: null, owner: null, dueAt: { $add: ['$$NOW', 250] }, visibleAt: { $add: ['$$NOW', 250] }, runAt: { $literal: 42 }, lastError: { $literal: error }, settledBy: { $literal: 'T' } } },
    ]);
  });

  it('release: the attempt is not counted and the message goes back to its place (min of dueAt and now)', () => {
    const [stage] = releaseUpdate('T') as [{ $set: Record<string, unknown> }];
    expect(stage.$set.attempt).toEqual({ $max: [0, { $subtract: ['$attempt', 1] }] });
    expect(stage.$set.visibleAt).toEqual({ $min: ['$dueAt', '$$NOW'] });
    expect(stage.$set.token).toBeNull();
  });

  it('dead: marked with reason and error (literal), out of sight for a lease while it moves; the token stays', () => {
    const [stage] = markDeadUpdate('permanent', error, 3_000, 'T') as [{ $set: Record<string, unknown> }];
    expect(stage.$set).toEqual({ dead: { $literal: { reason: 'permanent', error } }, visibleAt: { $add: ['$$NOW', 3_000] }, settledBy: { $literal: 'T' } });
  });

  it('tombstone: keeps the key held for the window and names its holder; drops what claims, ids and ordering read', () => {
    const [set, unset] = tombstoneUpdate(800, 'T') as [{ $set: Record<string, unknown> }, { $unset: string[] }];
    expect(set.$set).toMatchObject({ tomb: true, holder: '$id', heldUntil: { $add: ['$$NOW', 800] } });
    for (const field of ['id', 'visibleAt', 'key', 'token', 'payload']) expect(unset.$unset).toContain(field);
    expect(unset.$unset).not.toContain('dk');
  });
});

describe('reconcile', () => {
  const held = claimOf(['a', false], ['b', false], ['c', false]);
  const plan = planSettle(held, settlement({ ack: [msg('a')], retry: [{ message: msg('b'), runAt: 1, delayMs: 1, error }], release: [msg('c')] }), ctx);
  const hex = (id: string) => held.get(id)!._id.toHexString();

  it('an update landed when its document carries settledBy: token; one that does not (another token holds it) is lost', () => {
    const after = new Map([[hex('b'), { settledBy: 'T' }], [hex('c'), { settledBy: 'OTHER' }]]);
    expect(reconcile(plan, 1, after, 'T')).toEqual(['c']);
  });

  it('a delete landed when its document is gone and the deletes counted cover it; a document still there is lost', () => {
    expect(reconcile(plan, 1, new Map([[hex('b'), { settledBy: 'T' }], [hex('c'), { settledBy: 'T' }]]), 'T')).toEqual([]);
    expect(reconcile(plan, 0, new Map([[hex('a'), {}], [hex('b'), { settledBy: 'T' }], [hex('c'), { settledBy: 'T' }]]), 'T')).toEqual(['a']);
  });

  it('gone documents the counted deletes do not cover (another consumer acked a re-claimed one) are all reported lost: counts low, never high', () => {
    const acks = claimOf(['x', false], ['y', false]);
    const p = planSettle(acks, settlement({ ack: [msg('x'), msg('y')] }), ctx);
    expect(reconcile(p, 1, new Map(), 'T').sort()).toEqual(['x', 'y']);
    expect(reconcile(p, 2, new Map(), 'T')).toEqual([]);
  });
});
