import type { DeliveryRecord } from './delivery-log.js';

/** What was published, as the oracle needs it. */
export interface PublishedRecord {
  readonly id: string;
  readonly partitionKey?: string | undefined;
  /** Publish order within the key. */
  readonly seq?: number | undefined;
}

/** A key whose messages were processed out of publish order. */
export interface OrderViolation {
  readonly partitionKey: string;
  /** The sequence processed just before, and the smaller one that came after it. */
  readonly before: number;
  readonly after: number;
  readonly worker: string;
}

export interface OracleReport {
  readonly sent: number;
  /** Distinct published ids processed at least once. */
  readonly delivered: number;
  /** Distinct published ids whose ack was applied at least once. */
  readonly acked: number;
  /**
   * Published ids no ack record says were acked. A message whose ack was applied but whose answer
   * was lost (the connection died after the commit) is here too: check the backend (nothing left
   * in it) before calling it lost.
   */
  readonly missing: readonly string[];
  /** Published ids no process ever processed. */
  readonly neverProcessed: readonly string[];
  /** Processings beyond the first, summed over all ids (at-least-once pays these). */
  readonly duplicates: number;
  readonly duplicateIds: readonly string[];
  /** Processed ids nobody published (a bug in the test or a provider inventing messages). */
  readonly unknown: readonly string[];
  /** Only when asked (`ordered`): per key, a later message processed before an earlier one was processed for the last time. */
  readonly orderViolations: readonly OrderViolation[];
}

/**
 * Checks a fault run: nothing missing (every published message acked), duplicates counted (extra
 * processings), and — for ordered runs — per-key order
 * kept. Order is judged the strict way a stream consumer is: walking each key's processings in
 * time, a message may be processed again (a redelivery goes back to an earlier position, which is
 * fine), but no message may be processed after a *later* one of its key was processed while the
 * earlier one had not been processed at all yet.
 */
export function checkDeliveries(published: readonly PublishedRecord[], deliveries: readonly DeliveryRecord[], options: { readonly ordered?: boolean } = {}): OracleReport {
  const ids = new Set(published.map((p) => p.id));
  const counts = new Map<string, number>();
  const acks = new Set<string>();
  const unknown = new Set<string>();
  const processings = deliveries.filter((d) => d.acked !== true);
  for (const d of deliveries) {
    if (!ids.has(d.id)) unknown.add(d.id);
    if (d.acked === true) acks.add(d.id);
    else counts.set(d.id, (counts.get(d.id) ?? 0) + 1);
  }
  const missing = published.filter((p) => !acks.has(p.id)).map((p) => p.id);
  let duplicates = 0;
  const duplicateIds: string[] = [];
  for (const [id, n] of counts) {
    if (n > 1 && ids.has(id)) {
      duplicates += n - 1;
      duplicateIds.push(id);
    }
  }
  const orderViolations: OrderViolation[] = [];
  if (options.ordered === true) {
    const seqOf = new Map(published.map((p) => [p.id, p.seq]));
    const byKey = new Map<string, DeliveryRecord[]>();
    for (const d of [...processings].sort((a, b) => a.at - b.at)) {
      if (d.partitionKey === undefined) continue;
      const list = byKey.get(d.partitionKey) ?? [];
      list.push(d);
      byKey.set(d.partitionKey, list);
    }
    for (const [key, list] of byKey) {
      const seen = new Set<number>();
      let highest = -Infinity;
      for (const d of list) {
        const seq = d.seq ?? seqOf.get(d.id);
        if (seq === undefined) continue;
        if (seq < highest && !seen.has(seq)) orderViolations.push({ partitionKey: key, before: highest, after: seq, worker: d.worker });
        seen.add(seq);
        highest = Math.max(highest, seq);
      }
    }
  }
  return {
    sent: published.length,
    delivered: published.filter((p) => counts.has(p.id)).length,
    acked: published.length - missing.length,
    missing,
    neverProcessed: published.filter((p) => !counts.has(p.id)).map((p) => p.id),
    duplicates,
    duplicateIds,
    unknown: [...unknown],
    orderViolations,
  };
}
