import { DecodeError, ValidationError, encodeJsonPayload, type Headers, type NewMessage } from '@mqkit/core';

/** A record as read from a shard (one sub-record of a KPL-aggregated record, or a whole record). */
export interface RawRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** Index of the sub-record inside a KPL-aggregated record; `undefined` for a plain record. */
  readonly subSequenceNumber: number | undefined;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  /** ApproximateArrivalTimestamp (epoch ms). */
  readonly arrivalMs: number;
}

/** What a codec reads back: a message as published, without its delivery fields (queue, attempt). */
export type DecodedMessage = Omit<NewMessage, 'explicitId' | 'queue'>;

/**
 * How messages become record data and back. `decode` throws (a `DecodeError`, or anything) for a
 * record it cannot read: the consumer dead-letters it as `undecodable`, never drops it.
 */
export interface RecordCodec {
  encode(message: NewMessage, index: number): Uint8Array;
  decode(record: RawRecord): DecodedMessage;
}

const EMPTY: Headers = Object.freeze({});
const SOURCE = 'kinesis';

/**
 * The default codec: a JSON envelope `{"mqkit":1,"id",…,"payload"}` carrying every message field,
 * so a message comes back as it was published (id, type, headers, partition key, maxAttempts,
 * expiry). Payloads must be JSON (refused at publish otherwise).
 */
export const envelopeCodec: RecordCodec = {
  encode(m, index) {
    let text = `{"mqkit":1,"id":${JSON.stringify(m.id)},"type":${JSON.stringify(m.type)},"createdAt":${m.createdAt}`;
    if (m.runAt !== m.createdAt) text += `,"runAt":${m.runAt}`;
    if (m.expiresAt !== undefined) text += `,"expiresAt":${m.expiresAt}`;
    if (m.maxAttempts !== undefined) text += `,"maxAttempts":${m.maxAttempts}`;
    if (m.partitionKey !== undefined) text += `,"partitionKey":${JSON.stringify(m.partitionKey)}`;
    if (m.dedupeKey !== undefined) text += `,"dedupeKey":${JSON.stringify(m.dedupeKey)}`;
    if (Object.keys(m.headers).length > 0) text += `,"headers":${JSON.stringify(m.headers)}`;
    text += `,"payload":${encodeJsonPayload(m.payload, index, SOURCE)}}`;
    return Buffer.from(text, 'utf8');
  },
  decode(record) {
    const where = `record ${record.sequenceNumber}${record.subSequenceNumber === undefined ? '' : `:${record.subSequenceNumber}`} of ${record.shardId}`;
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength).toString('utf8'));
    } catch (error) {
      throw new DecodeError(`${where} is not JSON: it was not written by mqkit (pass a codec for records of other producers, e.g. rawJsonCodec)`, { source: SOURCE, cause: error });
    }
    const e = value as Record<string, unknown>;
    if (typeof e !== 'object' || e === null || e.mqkit !== 1 || typeof e.id !== 'string' || typeof e.type !== 'string' || typeof e.createdAt !== 'number' || !('payload' in e)) {
      throw new DecodeError(`${where} is not an mqkit envelope (pass a codec for records of other producers, e.g. rawJsonCodec)`, { source: SOURCE });
    }
    const headers = e.headers;
    if (headers !== undefined && (typeof headers !== 'object' || headers === null || Object.values(headers).some((v) => typeof v !== 'string'))) {
      throw new DecodeError(`${where} has headers that are not strings`, { source: SOURCE });
    }
    return {
      id: e.id,
      type: e.type,
      payload: e.payload,
      createdAt: e.createdAt,
      runAt: typeof e.runAt === 'number' ? e.runAt : e.createdAt,
      expiresAt: typeof e.expiresAt === 'number' ? e.expiresAt : undefined,
      maxAttempts: typeof e.maxAttempts === 'number' ? e.maxAttempts : undefined,
      partitionKey: typeof e.partitionKey === 'string' ? e.partitionKey : undefined,
      dedupeKey: typeof e.dedupeKey === 'string' ? e.dedupeKey : undefined,
      headers: (headers as Headers | undefined) ?? EMPTY,
    };
  },
};

function rawId(record: RawRecord): string {
  return `${record.shardId}:${record.sequenceNumber}${record.subSequenceNumber === undefined ? '' : `:${record.subSequenceNumber}`}`;
}

function rawMessage(record: RawRecord, payload: unknown): DecodedMessage {
  return {
    id: rawId(record),
    type: 'default',
    payload,
    createdAt: record.arrivalMs,
    runAt: record.arrivalMs,
    expiresAt: undefined,
    maxAttempts: undefined,
    partitionKey: record.partitionKey,
    dedupeKey: undefined,
    headers: EMPTY,
  };
}

/**
 * For streams written by other producers: each record's data is its JSON payload. The message id
 * is `shardId:sequenceNumber[:sub]`, the partition key the record's, createdAt its arrival time.
 * `encode` writes the payload alone (other fields are not carried).
 */
export const rawJsonCodec: RecordCodec = {
  encode(m, index) {
    return Buffer.from(encodeJsonPayload(m.payload, index, SOURCE), 'utf8');
  },
  decode(record) {
    const text = Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength).toString('utf8');
    try {
      return rawMessage(record, JSON.parse(text));
    } catch (error) {
      throw new DecodeError(`record ${rawId(record)} is not JSON`, { source: SOURCE, cause: error });
    }
  },
};

/** For streams of opaque records: the payload is the record's data as a base64 string. */
export const rawBytesCodec: RecordCodec = {
  encode(m, index) {
    if (typeof m.payload !== 'string') {
      throw new ValidationError(`messages[${index}].payload`, 'is not a string', 'rawBytesCodec publishes base64 strings: pass the bytes as Buffer.toString("base64")', { source: SOURCE });
    }
    return Buffer.from(m.payload, 'base64');
  },
  decode(record) {
    return rawMessage(record, Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength).toString('base64'));
  },
};
