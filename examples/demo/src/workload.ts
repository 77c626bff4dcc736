import type { DeadLetterReason, OutgoingMessage } from '@mqkit/core';
import { MESSAGE_TYPE, type EmailSend, type OrderCreated, type ReportRender, type Simulation } from './registry.js';
import { REPORT_MAX_ATTEMPTS, RETRY } from './settings.js';

/** One publish call: a batch for one queue (typed by the registry). */
export type Batch =
  | { readonly queue: 'orders'; readonly messages: OutgoingMessage<OrderCreated>[] }
  | { readonly queue: 'emails'; readonly messages: OutgoingMessage<EmailSend>[] }
  | { readonly queue: 'reports'; readonly messages: OutgoingMessage<ReportRender>[] };

/** What the run must end with, worked out while generating: the summary checks against it. */
export interface Expected {
  published: number;
  processed: number;
  deadLettered: number;
  retries: number;
  delayed: number;
  readonly deadByReason: Record<DeadLetterReason, number>;
}

export interface Workload {
  readonly batches: readonly Batch[];
  readonly expected: Expected;
}

/** Shares of the traffic, per message. */
const MIX = { orders: 0.5, emails: 0.35 } as const; // reports: the rest
const P_TRANSIENT = 0.03; // fails once or twice, then succeeds
const P_POISON = 0.004; // fails for good at once
const P_EXHAUST = 0.002; // keeps failing until maxAttempts
const P_DELAYED = 0.05; // published with delayMs
const MAX_DELAY_MS = 800;
const ALWAYS = 1_000;

/**
 * A deterministic mixed workload: `total` messages in batches of `batchSize`, each batch for one
 * queue, with a seeded share of flaky, poisoned and delayed messages.
 */
export function buildWorkload(total: number, batchSize: number, seed = 42): Workload {
  const random = mulberry32(seed);
  const expected: Expected = {
    published: 0,
    processed: 0,
    deadLettered: 0,
    retries: 0,
    delayed: 0,
    deadByReason: { permanent: 0, explicit: 0, 'max-attempts': 0, 'poison-pill': 0, undecodable: 0 },
  };
  const batches: Batch[] = [];
  let n = 0;
  while (n < total) {
    const size = Math.min(batchSize, total - n);
    const pick = random();
    const queue = pick < MIX.orders ? 'orders' : pick < MIX.orders + MIX.emails ? 'emails' : 'reports';
    const maxAttempts = queue === 'reports' ? REPORT_MAX_ATTEMPTS : (RETRY.maxAttempts ?? 5);
    const plans: Plan[] = [];
    for (let i = 0; i < size; i++, n++) {
      const plan = planMessage(random, n);
      account(expected, queue, plan, maxAttempts);
      plans.push(plan);
    }
    batches.push(toBatch(queue, plans));
  }
  return { batches, expected };
}

interface Plan {
  readonly n: number;
  readonly simulate: Simulation | undefined;
  readonly delayMs: number | undefined;
}

function planMessage(random: () => number, n: number): Plan {
  const roll = random();
  const simulate: Simulation | undefined =
    roll < P_POISON
      ? { poison: true }
      : roll < P_POISON + P_EXHAUST
        ? { failTimes: ALWAYS }
        : roll < P_POISON + P_EXHAUST + P_TRANSIENT
          ? { failTimes: 1 + Math.floor(random() * 2) }
          : undefined;
  const delayMs = random() < P_DELAYED ? 50 + Math.floor(random() * (MAX_DELAY_MS - 50)) : undefined;
  return { n, simulate, delayMs };
}

/** Emails dead-letter poisoned messages with an explicit outcome; the others throw a PermanentError. */
function account(expected: Expected, queue: Batch['queue'], plan: Plan, maxAttempts: number): void {
  expected.published++;
  if (plan.delayMs !== undefined) expected.delayed++;
  const { poison = false, failTimes = 0 } = plan.simulate ?? {};
  if (poison) {
    expected.deadLettered++;
    expected.deadByReason[queue === 'emails' ? 'explicit' : 'permanent']++;
  } else if (failTimes >= maxAttempts) {
    expected.deadLettered++;
    expected.deadByReason['max-attempts']++;
    expected.retries += maxAttempts - 1;
  } else {
    expected.processed++;
    expected.retries += failTimes;
  }
}

/** One object literal per queue, so each queue's messages share one shape (cheap for the publish path). */
function toBatch(queue: Batch['queue'], plans: readonly Plan[]): Batch {
  switch (queue) {
    case 'orders':
      return {
        queue,
        messages: plans.map(({ n, delayMs, simulate }) => ({
          type: MESSAGE_TYPE.orders,
          delayMs,
          partitionKey: `customer-${n % 997}`,
          payload: { orderId: `order-${n}`, customerId: `customer-${n % 997}`, totalCents: 500 + (n % 20_000), simulate },
        })),
      };
    case 'emails':
      return {
        queue,
        messages: plans.map(({ n, delayMs, simulate }) => ({
          type: MESSAGE_TYPE.emails,
          delayMs,
          payload: { to: `user${n}@example.com`, template: delayMs === undefined ? 'receipt' : 'reminder', simulate },
        })),
      };
    case 'reports':
      return {
        queue,
        messages: plans.map(({ n, delayMs, simulate }) => ({
          type: MESSAGE_TYPE.reports,
          delayMs,
          maxAttempts: REPORT_MAX_ATTEMPTS,
          payload: { reportId: `report-${n}`, format: n % 2 === 0 ? 'pdf' : 'csv', simulate },
        })),
      };
  }
}

/** A small seeded PRNG, so every run has the same workload. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
