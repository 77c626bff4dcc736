import type { Message } from '../contracts/message.js';
import type { DeadLetterSettlement, RetrySettlement } from '../contracts/provider.js';
import type { PlannedFailure, PlannedSettlement } from './outcome-settlement.js';

/*
 * Two rewrites of a planned settlement that keep a backend from moving past a failure:
 * - `orderSafe` (ordered consumers): per partition key, once a message of the batch is not acked,
 *   no later message of that key is acked or failed — they are released, to come again after it.
 * - `leadingRun` (providers without `perMessageSettle`, which keep one position per shard): ack
 *   the leading run of acked messages, apply the first non-ack outcome, release the rest.
 * Both return the plan itself when every message is acked (the hot path allocates nothing).
 */

type Decision = { readonly kind: 'ack' } | { readonly kind: 'retry'; readonly entry: RetrySettlement } | { readonly kind: 'dead'; readonly entry: DeadLetterSettlement } | { readonly kind: 'release' };

const ACK: Decision = { kind: 'ack' };
const RELEASE: Decision = { kind: 'release' };

export function orderSafe(plan: PlannedSettlement, messages: readonly Message[]): PlannedSettlement {
  if (allAcked(plan)) return plan;
  const decisions = decisionsOf(plan);
  const blocked = new Set<string>();
  let changed = false;
  for (const m of messages) {
    const key = m.partitionKey;
    if (key === undefined) continue;
    const d = decisions.get(m) ?? RELEASE;
    if (blocked.has(key)) {
      if (d.kind !== 'release') {
        decisions.set(m, RELEASE);
        changed = true;
      }
    } else if (d.kind !== 'ack') blocked.add(key);
  }
  return changed ? rebuild(plan, messages, decisions) : plan;
}

export function leadingRun(plan: PlannedSettlement, messages: readonly Message[]): PlannedSettlement {
  if (allAcked(plan)) return plan;
  const decisions = decisionsOf(plan);
  let failed = false;
  let changed = false;
  for (const m of messages) {
    const d = decisions.get(m) ?? RELEASE;
    if (failed) {
      if (d.kind !== 'release') {
        decisions.set(m, RELEASE);
        changed = true;
      }
    } else if (d.kind !== 'ack') failed = true;
  }
  return changed ? rebuild(plan, messages, decisions) : plan;
}

function allAcked(plan: PlannedSettlement): boolean {
  return plan.retry.length === 0 && plan.deadLetter.length === 0 && plan.release.length === 0;
}

function decisionsOf(plan: PlannedSettlement): Map<Message, Decision> {
  const decisions = new Map<Message, Decision>();
  for (const m of plan.ack) decisions.set(m, ACK);
  for (const entry of plan.retry) decisions.set(entry.message, { kind: 'retry', entry });
  for (const entry of plan.deadLetter) decisions.set(entry.message, { kind: 'dead', entry });
  for (const m of plan.release) decisions.set(m, RELEASE);
  return decisions;
}

function rebuild(plan: PlannedSettlement, messages: readonly Message[], decisions: Map<Message, Decision>): PlannedSettlement {
  const ack: Message[] = [];
  const retry: RetrySettlement[] = [];
  const deadLetter: DeadLetterSettlement[] = [];
  const release: Message[] = [];
  for (const m of messages) {
    const d = decisions.get(m) ?? RELEASE;
    if (d.kind === 'ack') ack.push(m);
    else if (d.kind === 'retry') retry.push(d.entry);
    else if (d.kind === 'dead') deadLetter.push(d.entry);
    else release.push(m);
  }
  const failing = new Set<Message>([...retry.map((r) => r.message), ...deadLetter.map((d) => d.message)]);
  const failures: PlannedFailure[] = plan.failures.filter((f) => failing.has(f.message));
  return { ack, retry, deadLetter, release, failures };
}
