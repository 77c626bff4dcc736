import { createHash } from 'node:crypto';
import { ProtoReader, ProtoWriter } from './protobuf.js';

/** The 4 bytes a KPL-aggregated record starts with. */
export const KPL_MAGIC = Uint8Array.from([0xf3, 0x89, 0x9a, 0xc2]);

export interface SubRecord {
  readonly partitionKey: string;
  readonly explicitHashKey: string | undefined;
  readonly data: Uint8Array;
}

function startsWithMagic(data: Uint8Array): boolean {
  return data.length >= KPL_MAGIC.length + 16 && KPL_MAGIC.every((b, i) => data[i] === b);
}

/**
 * The sub-records of a KPL-aggregated record, or `undefined` for a plain one. A record with the
 * magic bytes whose MD5 does not match, or whose protobuf does not parse, is treated as plain (as
 * the KCL does): the codec then decides, and an unreadable one is dead-lettered.
 */
export function deaggregate(data: Uint8Array): SubRecord[] | undefined {
  if (!startsWithMagic(data)) return undefined;
  const body = data.subarray(KPL_MAGIC.length, data.length - 16);
  const digest = createHash('md5').update(body).digest();
  const expected = data.subarray(data.length - 16);
  if (!digest.equals(expected)) return undefined;
  try {
    return parseAggregate(body);
  } catch {
    return undefined;
  }
}

function parseAggregate(body: Uint8Array): SubRecord[] {
  const keys: string[] = [];
  const hashKeys: string[] = [];
  const raw: Array<{ pk: number; ehk: number | undefined; data: Uint8Array }> = [];
  const text = new TextDecoder('utf-8', { fatal: true });
  const r = new ProtoReader(body);
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 2) keys.push(text.decode(r.bytes()));
    else if (field === 2 && wire === 2) hashKeys.push(text.decode(r.bytes()));
    else if (field === 3 && wire === 2) {
      const rr = new ProtoReader(r.bytes());
      let pk = -1;
      let ehk: number | undefined;
      let data: Uint8Array | undefined;
      while (!rr.done) {
        const t = rr.tag();
        if (t.field === 1 && t.wire === 0) pk = Number(rr.varint());
        else if (t.field === 2 && t.wire === 0) ehk = Number(rr.varint());
        else if (t.field === 3 && t.wire === 2) data = rr.bytes();
        else rr.skip(t.wire);
      }
      if (pk < 0 || data === undefined) throw new RangeError('sub-record without partition key index or data');
      raw.push({ pk, ehk, data });
    } else r.skip(wire);
  }
  return raw.map((s) => {
    const partitionKey = keys[s.pk];
    if (partitionKey === undefined) throw new RangeError('partition key index out of range');
    return { partitionKey, explicitHashKey: s.ehk === undefined ? undefined : hashKeys[s.ehk], data: s.data };
  });
}

/** A KPL-aggregated record of `records` (what the KPL writes): for tests, benchmarks and tools. */
export function aggregate(records: readonly SubRecord[]): Uint8Array {
  const keys = [...new Set(records.map((r) => r.partitionKey))];
  const hashKeys = [...new Set(records.map((r) => r.explicitHashKey).filter((k): k is string => k !== undefined))];
  const w = new ProtoWriter();
  const enc = new TextEncoder();
  for (const k of keys) w.bytes(1, enc.encode(k));
  for (const k of hashKeys) w.bytes(2, enc.encode(k));
  for (const r of records) {
    const sub = new ProtoWriter().uint(1, keys.indexOf(r.partitionKey));
    if (r.explicitHashKey !== undefined) sub.uint(2, hashKeys.indexOf(r.explicitHashKey));
    sub.bytes(3, r.data);
    w.bytes(3, sub.finish());
  }
  const body = w.finish();
  const digest = createHash('md5').update(body).digest();
  const out = new Uint8Array(KPL_MAGIC.length + body.length + 16);
  out.set(KPL_MAGIC, 0);
  out.set(body, KPL_MAGIC.length);
  out.set(digest, KPL_MAGIC.length + body.length);
  return out;
}

/** The 128-bit hash key Kinesis routes a record by: its explicit hash key, else MD5 of its partition key. */
export function hashKeyOf(partitionKey: string, explicitHashKey?: string): bigint {
  if (explicitHashKey !== undefined) return BigInt(explicitHashKey);
  return BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
}
