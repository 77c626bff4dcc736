import { describe, expect, it } from 'vitest';
import { AdaptivePacing, aggregate, deaggregate, envelopeCodec, hashKeyOf, rawJsonCodec } from '../src/index.js';
import { comparePositions } from '../src/positions.js';
import { backoffDelay, chunk } from '../src/producer/put-records.js';
import { AttemptLedger } from '../src/consumer/attempt-ledger.js';
import { resolveKinesisOptions } from '../src/kinesis-options.js';

/** What `fn` threw (for matching its fields). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const raw = (data: Uint8Array, seq = '1') => ({ shardId: 's', sequenceNumber: seq, subSequenceNumber: undefined, partitionKey: 'pk', data, arrivalMs: 5 });

describe('positions', () => {
  it('compares 128-digit sequence numbers as big integers, and sub-records before their whole record', () => {
    const big = '4968074745450006083110054403252977234155257513343818137800000000000000000000000000000000000000000000000000000000000000000001';
    expect(comparePositions('9', '10')).toBe(-1); // a string compare would say 1
    expect(comparePositions(big, `${big.slice(0, -1)}2`)).toBe(-1);
    expect(comparePositions('7:3', '7:10')).toBe(-1);
    expect(comparePositions('7:999', '7')).toBe(-1);
    expect(comparePositions('007', '7')).toBe(0);
  });
});

describe('PutRecords chunks', () => {
  const e = (bytes: number) => ({ data: new Uint8Array(0), partitionKey: 'k', bytes });
  it('keeps every call within the record count and the byte limit, in order', () => {
    const entries = Array.from({ length: 1203 }, () => e(10));
    expect(chunk(entries, { maxRecordsPerCall: 500, maxBytesPerCall: 1e9 }).map((c) => c.length)).toEqual([500, 500, 203]);
    const calls = chunk([e(4), e(4), e(3), e(9), e(1)], { maxRecordsPerCall: 500, maxBytesPerCall: 10 });
    expect(calls).toEqual([[0, 1], [2], [3, 4]]);
  });
  it('backs off with full jitter, capped', () => {
    const retry = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(0, retry, () => 1)).toBe(100);
    expect(backoffDelay(3, retry, () => 1)).toBe(800);
    expect(backoffDelay(9, retry, () => 1)).toBe(1_000);
    expect(backoffDelay(9, retry, () => 0)).toBe(0);
  });
});

describe('KPL aggregation', () => {
  const subs = [
    { partitionKey: 'a', explicitHashKey: undefined, data: Buffer.from('one') },
    { partitionKey: 'b', explicitHashKey: '12345', data: Buffer.from('two') },
    { partitionKey: 'a', explicitHashKey: undefined, data: Buffer.from('three') },
  ];
  it('round-trips sub-records with their partition keys and explicit hash keys', () => {
    const out = deaggregate(aggregate(subs))!;
    expect(out.map((s) => [s.partitionKey, s.explicitHashKey, Buffer.from(s.data).toString()])).toEqual([
      ['a', undefined, 'one'],
      ['b', '12345', 'two'],
      ['a', undefined, 'three'],
    ]);
  });
  it('treats a record whose MD5 does not match, or without the magic bytes, as a plain record', () => {
    const bad = aggregate(subs);
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0xff;
    expect(deaggregate(bad)).toBeUndefined();
    expect(deaggregate(Buffer.from('{"mqkit":1}'))).toBeUndefined();
  });
  it('routes by MD5 of the partition key as a 128-bit integer, or by the explicit hash key', () => {
    // 'slow' lands in the second quarter of the hash space (shard 1 of 4 equal shards), 'fast' in the first.
    expect((hashKeyOf('slow') * 4n) / 2n ** 128n).toBe(1n);
    expect((hashKeyOf('fast') * 4n) / 2n ** 128n).toBe(0n);
    expect(hashKeyOf('x', '42')).toBe(42n);
    expect(hashKeyOf('slow') < 2n ** 128n).toBe(true);
  });
});

describe('codecs', () => {
  const message = { id: 'm1', explicitId: false, queue: 'q', type: 't', payload: { a: [1] }, createdAt: 10, runAt: 20, expiresAt: 30, maxAttempts: 4, partitionKey: 'pk', dedupeKey: undefined, headers: { h: 'v' } };
  it('the envelope carries every message field', () => {
    const decoded = envelopeCodec.decode(raw(envelopeCodec.encode(message, 0)));
    expect(decoded).toEqual({ id: 'm1', type: 't', payload: { a: [1] }, createdAt: 10, runAt: 20, expiresAt: 30, maxAttempts: 4, partitionKey: 'pk', dedupeKey: undefined, headers: { h: 'v' } });
  });
  it('refuses what mqkit did not write with a DecodeError, and rawJsonCodec reads plain JSON records', () => {
    expect(thrown(() => envelopeCodec.decode(raw(Buffer.from('not json'))))).toMatchObject({ code: 'MQKIT_DECODE' });
    expect(thrown(() => envelopeCodec.decode(raw(Buffer.from('{"x":1}'))))).toMatchObject({ code: 'MQKIT_DECODE' });
    expect(rawJsonCodec.decode(raw(Buffer.from('{"x":1}'), '77'))).toMatchObject({ id: 's:77', payload: { x: 1 }, partitionKey: 'pk', createdAt: 5 });
  });
});

describe('the attempt ledger', () => {
  it('counts failures and abandonments per record, marks done-ahead records and forgets what the checkpoint passed', () => {
    const l = new AttemptLedger();
    l.add({ f: '10', t: '30', n: 1, a: 1 });
    l.add({ f: '20', t: '20', n: 1, err: JSON.stringify({ name: 'E', message: 'boom' }), r: 99 });
    l.add({ f: '40', t: '40', n: 0, d: 1 });
    expect([l.attempt('5'), l.attempt('10'), l.attempt('20'), l.attempt('31')]).toEqual([1, 2, 3, 1]);
    expect([l.alone('20'), l.alone('31'), l.done('40'), l.runAt('20'), l.lastError('20')?.message]).toEqual([true, false, true, 99, 'boom']);
    l.prune('30');
    expect([l.attempt('20'), l.size]).toEqual([1, 1]);
  });
});

describe('adaptive pacing', () => {
  it('reads again soon with the largest page while behind, waits the idle delay when caught up, and shrinks the page while pages come back nearly empty', () => {
    const p = new AdaptivePacing({ minIntervalMs: 200, idleDelayMs: 1_000, maxRecords: 1_000, minRecords: 10 });
    expect(p.next({ records: 500, limit: 500, millisBehindLatest: 0, buffered: 0, maxBuffered: 10_000 })).toEqual({ delayMs: 200, limit: 1_000 });
    expect(p.next({ records: 3, limit: 20, millisBehindLatest: 9_000, buffered: 6_000, maxBuffered: 10_000 })).toEqual({ delayMs: 200, limit: 1_000 });
    expect(p.next({ records: 0, limit: 500, millisBehindLatest: 0, buffered: 0, maxBuffered: 10_000 })).toEqual({ delayMs: 1_000, limit: 250 });
    expect(p.next({ records: 5, limit: 12, millisBehindLatest: 0, buffered: 0, maxBuffered: 10_000 })).toEqual({ delayMs: 200, limit: 12 });
    expect(p.next({ records: 0, limit: 12, millisBehindLatest: 0, buffered: 0, maxBuffered: 10_000 })).toEqual({ delayMs: 1_000, limit: 10 });
    const waits = [1, 2, 3, 20].map((n) => p.throttled(n));
    expect(waits[0]).toBeGreaterThanOrEqual(250);
    expect(waits[3]).toBeLessThanOrEqual(30_000);
  });
});

describe('options', () => {
  it('name the field of a bad option and read no environment', () => {
    expect(thrown(() => resolveKinesisOptions({ redis: 'redis://x' }))).toMatchObject({ field: 'kinesis.clientConfig' });
    expect(thrown(() => resolveKinesisOptions({ redis: 42, clientConfig: {} }))).toMatchObject({ field: 'kinesis.redis' });
    expect(thrown(() => resolveKinesisOptions({ redis: 'redis://x', clientConfig: {}, lease: { leaseMs: 5 } }))).toMatchObject({ field: 'kinesis.lease.leaseMs' });
    expect(thrown(() => resolveKinesisOptions({ redis: 'redis://x', clientConfig: {}, lease: { leaseMz: 5 } }))).toMatchObject({ field: 'kinesis.lease.leaseMz' });
    const o = resolveKinesisOptions({ redis: 'redis://x', clientConfig: {} });
    expect([o.lease.leaseMs, o.lease.renewIntervalMs, o.read.minIntervalMs, o.publish.maxRecordBytes, o.read.initialPosition]).toEqual([6_000, 2_000, 200, 1_048_576, 'TRIM_HORIZON']);
    expect(thrown(() => o.streamName('a:b'))).toMatchObject({ field: 'kinesis.streamName' });
  });
});
