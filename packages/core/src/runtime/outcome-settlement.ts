import { serializeError } from '../errors/classify.js';
import { RetryableError } from '../errors/retryable-error.js';
import { decideFailure, type DeadLetterReason } from '../retry/failure-decision.js';
import type { RetryPolicy } from '../retry/retry-policy.js';
import type { Message } from '../contracts/message.js';
import type { Outcome } from '../contracts/outcome.js';
import type { DeadLetterSettlement, RetrySettlement, Settlement } from '../contracts/provider.js';

/** A settlement plus what the events need to say about it. */
export interface PlannedSettlement extends Settlement {
  readonly failures: readonly PlannedFailure[];
}

export interface PlannedFailure {
  readonly message: Message;
  readonly error: unknown;
  /** Set for retries. */
  readonly delayMs: number | undefined;
  /** Set for dead letters. */
  readonly reason: DeadLetterReason | undefined;
}

const NONE: readonly never[] = Object.freeze([]);

/** Every message acked: no copies, the claim's own array. */
export function ackAll(messages: readonly Message[]): PlannedSettlement {
  return { ack: messages, retry: NONE, deadLetter: NONE, release: NONE, failures: NONE };
}

/** Every message given back without counting the attempt (shutdown). */
export function releaseAll(messages: readonly Message[]): PlannedSettlement {
  return { ack: NONE, retry: NONE, deadLetter: NONE, release: messages, failures: NONE };
}

/** Every message failed with `error` (the processor threw, or timed out). */
export function failAll(messages: readonly Message[], error: unknown, policy: RetryPolicy, now: number, random: () => number = Math.random): PlannedSettlement {
  const plan = new PlanBuilder(policy, now, random);
  for (const message of messages) plan.fail(message, error, undefined);
  return plan.build();
}

/** Outcomes returned by a processor, index-aligned with `messages`. */
export function fromOutcomes(
  messages: readonly Message[],
  outcomes: unknown,
  policy: RetryPolicy,
  now: number,
  random: () => number = Math.random,
): PlannedSettlement {
  if (!isArray(outcomes) || outcomes.length > messages.length) {
    // A processor bug, not bad data: retried (a fixed deploy can still save the batch), then dead-lettered.
    const error = new RetryableError(
      `processor returned ${isArray(outcomes) ? `${outcomes.length} outcomes for ${messages.length} messages` : typeof outcomes}. Fix the processor: return nothing (ack all) or one outcome per message, index-aligned with the batch`,
    );
    return failAll(messages, error, policy, now, random);
  }
  const plan = new PlanBuilder(policy, now, random);
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    const outcome = outcomes[i] as Outcome | null | undefined;
    if (outcome === undefined || (outcome !== null && outcome.kind === 'ack')) plan.ack(message);
    else if (outcome === null) plan.fail(message, new RetryableError(`processor result[${i}] is not an outcome (it is null). Fix the processor: use ack(), retry(error) or deadLetter(error), or leave the entry undefined to ack`), undefined);
    else if (outcome.kind === 'retry') plan.fail(message, outcome.error, outcome.delayMs);
    else if (outcome.kind === 'dead-letter') plan.deadLetter(message, outcome.error, 'explicit');
    else {
      plan.fail(message, new RetryableError(`processor result[${i}] is not an outcome. Fix the processor: use ack(), retry(error) or deadLetter(error) from @mqkit/core`), undefined);
    }
  }
  return plan.build();
}

class PlanBuilder {
  readonly #ack: Message[] = [];
  readonly #retry: RetrySettlement[] = [];
  readonly #deadLetter: DeadLetterSettlement[] = [];
  readonly #failures: PlannedFailure[] = [];

  constructor(
    private readonly policy: RetryPolicy,
    private readonly now: number,
    private readonly random: () => number,
  ) {}

  ack(message: Message): void {
    this.#ack.push(message);
  }

  fail(message: Message, error: unknown, delayMs: number | undefined): void {
    const decision = decideFailure(error, message.attempt, message.maxAttempts, this.policy, delayMs, this.random);
    if (decision.kind === 'retry') {
      this.#retry.push({ message, runAt: this.now + decision.delayMs, delayMs: decision.delayMs, error: serializeError(error, false) });
      this.#failures.push({ message, error, delayMs: decision.delayMs, reason: undefined });
    } else {
      this.deadLetter(message, error, decision.reason);
    }
  }

  deadLetter(message: Message, error: unknown, reason: DeadLetterReason): void {
    this.#deadLetter.push({ message, reason, error: serializeError(error) });
    this.#failures.push({ message, error, delayMs: undefined, reason });
  }

  build(): PlannedSettlement {
    return { ack: this.#ack, retry: this.#retry, deadLetter: this.#deadLetter, release: NONE, failures: this.#failures };
  }
}

function isArray(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}
