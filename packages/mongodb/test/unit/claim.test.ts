// The claim's documents and its plan (commands/claim.ts): what is claimed together, what alone,
// what is set aside; and that every write's condition is the server's clock and the seen state.
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { CLAIM_SORT, candidateFilter, candidateWindow, claimBatchFilter, claimSeenFilter, claimUpdate, expiredFilter, heldFilter, keyHeadsPipeline, planClaim, renewUpdate } from '../../src/commands/claim.js';
import { INDEXES } from '../../src/indexes.js';
import { storedDoc } from './fixtures.js';

const plan = (docs: Parameters<typeof planClaim>[0], more: Partial<Parameters<typeof planClaim>[1]> = {}) => planClaim(docs, { max: 10, defaultMaxAttempts: 3, estimatedNow: 10_000, ...more });
const ids = (docs: readonly { id: string }[]) => docs.map((d) => d.id);

describe('planClaim', () => {
  it('fresh candidates are claimed together, in claim order, up to max', () => {
    const docs = [storedDoc(), storedDoc(), storedDoc()];
    expect(ids(plan(docs, { max: 2 }).batch)).toEqual(ids(docs.slice(0, 2)));
  });

  it('an abandoned message at the front comes alone', () => {
    const abandoned = storedDoc({ token: 'old', attempt: 1 });
    const p = plan([abandoned, storedDoc(), storedDoc()]);
    expect(p.alone?.id).toBe(abandoned.id);
    expect(p.batch).toEqual([]);
  });

  it('an abandoned message behind fresh ones ends the batch before it (it comes alone next time)', () => {
    const [a, b] = [storedDoc(), storedDoc()];
    const p = plan([a, b, storedDoc({ token: 'old', attempt: 1 }), storedDoc()]);
    expect(ids(p.batch)).toEqual([a.id, b.id]);
    expect(p.alone).toBeUndefined();
  });

  it("an abandoned message that had maxAttempts deliveries (its own, else the consumer's) is a poison pill, not delivered", () => {
    const own = storedDoc({ token: 'old', attempt: 2, maxAttempts: 2 });
    const byDefault = storedDoc({ token: 'old', attempt: 3 });
    const notYet = storedDoc({ token: 'old', attempt: 2 });
    const p = plan([own, byDefault, notYet]);
    expect(ids(p.poison)).toEqual([own.id, byDefault.id]);
    expect(p.alone?.id).toBe(notYet.id);
  });

  it('a message failed normally on its last attempt is not a poison pill (its token was cleared by the retry)', () => {
    expect(plan([storedDoc({ attempt: 3, maxAttempts: 3 })]).poison).toEqual([]);
  });

  it('an expired candidate is set aside, also behind the batch', () => {
    const expired = storedDoc({ expiresAt: new Date(9_999) });
    const live = storedDoc({ expiresAt: new Date(10_001) });
    const p = plan([live, expired], { max: 1 });
    expect(ids(p.expired)).toEqual([expired.id]);
    expect(ids(p.batch)).toEqual([live.id]);
  });

  it('a message marked for the dead letters whose mover died is finished, never delivered', () => {
    const marked = storedDoc({ token: 't', attempt: 1, dead: { reason: 'explicit', error: { name: 'E', message: 'x' } } });
    const p = plan([marked]);
    expect(ids(p.unfinished)).toEqual([marked.id]);
    expect(p.alone).toBeUndefined();
  });

  it("ordered: a keyed candidate is taken only if it is its key's head; unkeyed ones always", () => {
    const head = storedDoc({ key: 'k' });
    const behind = storedDoc({ key: 'k' });
    const other = storedDoc({ key: 'other' }); // its head is a message in delivery, not this one
    const free = storedDoc();
    const heads = new Map([['k', head._id], ['other', new ObjectId()]]);
    expect(ids(plan([head, behind, other, free], { heads }).batch)).toEqual([head.id, free.id]);
  });
});

describe('claim documents', () => {
  it('candidates: the queue, claimable by the clock estimate, sorted as index mqkit_claim (visibleAt, then publish order)', () => {
    const at = new Date(7);
    expect(candidateFilter('jobs', at)).toEqual({ q: 'jobs', visibleAt: { $lte: at } });
    expect(CLAIM_SORT).toEqual({ visibleAt: 1, _id: 1 });
    expect(INDEXES.find((i) => i.name === 'mqkit_claim')!.key).toEqual({ q: 1, ...CLAIM_SORT });
  });

  it('ordered consumers look further than max (past held keys), bounded', () => {
    expect(candidateWindow(10, false)).toBe(10);
    expect(candidateWindow(10, true)).toBe(56);
    expect(candidateWindow(1_000, true)).toBe(2_000);
  });

  it('the batch is taken only where still claimable by $$NOW and not abandoned, per document', () => {
    const id = new ObjectId();
    const filter = claimBatchFilter('jobs', [id]);
    expect(filter).toMatchObject({ _id: { $in: [id] }, q: 'jobs', token: null });
    expect(JSON.stringify(filter.$expr)).toContain('"$$NOW"');
    expect(JSON.stringify(filter.$expr)).toContain('"$visibleAt"');
  });

  it('$expr checks the type too: a missing date (a tombstone) never counts as reached', () => {
    expect(claimBatchFilter('jobs', []).$expr).toEqual({ $and: [{ $eq: [{ $type: '$visibleAt' }, 'date'] }, { $lte: ['$visibleAt', '$$NOW'] }] });
  });

  it('an abandoned message is taken only as seen: same token and attempt (a re-claim since makes it a no-op)', () => {
    const seen = storedDoc({ token: 'old', attempt: 2 });
    expect(claimSeenFilter('jobs', seen)).toMatchObject({ _id: seen._id, q: 'jobs', token: 'old', attempt: 2 });
  });

  it('the claim update sets token and owner as literals, counts the attempt, and leases by the server clock', () => {
    expect(claimUpdate('$tok', '$owner', 1_500)).toEqual([
      { $set: { token: { $literal: '$tok' }, owner: { $literal: '$owner' }, attempt: { $add: ['$attempt', 1] }, visibleAt: { $add: ['$$NOW', 1_500] } } },
    ]);
  });

  it('renewal and read-back are fenced by the token', () => {
    const id = new ObjectId();
    expect(heldFilter([id], 't')).toEqual({ _id: { $in: [id] }, token: 't' });
    expect(renewUpdate(2_000)).toEqual([{ $set: { visibleAt: { $add: ['$$NOW', 2_000] } } }]);
  });

  it('an expired message is deleted only as seen, when both its visibility and its expiry are reached by $$NOW', () => {
    const seen = storedDoc({ expiresAt: new Date(1) });
    const f = expiredFilter('jobs', seen);
    expect(f).toMatchObject({ _id: seen._id, token: null, attempt: 0 });
    expect(JSON.stringify(f.$expr)).toContain('"$expiresAt"');
  });

  it("key heads: the message in delivery (attempt > 0) first, else the first due, per key — sorted as index mqkit_key", () => {
    const [match, sort, group] = keyHeadsPipeline('jobs', ['a', 'b']);
    expect(match).toEqual({ $match: { q: 'jobs', key: { $in: ['a', 'b'] } } });
    expect(sort!.$sort).toEqual(INDEXES.find((i) => i.name === 'mqkit_key')!.key);
    expect(group).toEqual({ $group: { _id: '$key', head: { $first: '$_id' } } });
  });
});
