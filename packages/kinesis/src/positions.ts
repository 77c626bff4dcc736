/**
 * A position in a shard: `"seq"` is a whole record (past every sub-record of it), `"seq:sub"` is
 * sub-record `sub` of a KPL-aggregated record. Sequence numbers are decimal strings of up to 128
 * digits, so they are compared as big integers (the Lua scripts compare them the same way).
 */
export interface ParsedPosition {
  readonly seq: bigint;
  /** `Infinity` for a whole record. */
  readonly sub: number;
}

export function parsePosition(position: string): ParsedPosition {
  const colon = position.indexOf(':');
  if (colon < 0) return { seq: BigInt(position), sub: Infinity };
  return { seq: BigInt(position.slice(0, colon)), sub: Number(position.slice(colon + 1)) };
}

export function positionOf(sequenceNumber: string, subSequence: number | undefined): string {
  return subSequence === undefined ? sequenceNumber : `${sequenceNumber}:${subSequence}`;
}

export function comparePositions(a: string, b: string): number {
  const pa = parsePosition(a);
  const pb = parsePosition(b);
  if (pa.seq !== pb.seq) return pa.seq < pb.seq ? -1 : 1;
  if (pa.sub === pb.sub) return 0;
  return pa.sub < pb.sub ? -1 : 1;
}
