import { describe, expect, it } from 'vitest';
import { ack, deadLetter, retry } from '../src/contracts/outcome.js';
import { PermanentError } from '../src/errors/permanent-error.js';
import { RetryableError } from '../src/errors/retryable-error.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../src/retry/retry-policy.js';
import { ackAll, failAll, fromOutcomes, releaseAll, type PlannedSettlement } from '../src/runtime/outcome-settlement.js';
import { message, messages } from './fixtures.js';

const NOW = 50_000;
// Exponential from 100 ms, no jitter: 100, 200, 400, … after attempts 1, 2, 3, …
const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, delayMs: 100, jitter: 0 };

/** Every message id in the plan, list by list. */
function ids(plan: PlannedSettlement) {
  return {
    ack: plan.ack.map((m) => m.id),
    retry: plan.retry.map((r) => r.message.id),
    deadLetter: plan.deadLetter.map((d) => [d.message.id, d.reason]),
    release: plan.release.map((m) => m.id),
  };
}

describe('ackAll', () => {
  it("acks every message with the claim's own array and nothing else", () => {
    const batch = messages(3);
    const plan = ackAll(batch);
    expect(plan.ack).toBe(batch);
    expect([plan.retry, plan.deadLetter, plan.release, plan.failures]).toEqual([[], [], [], []]);
  });
});

describe('releaseAll', () => {
  it("releases every message with the claim's own array and nothing else", () => {
    const batch = messages(2);
    const plan = releaseAll(batch);
    expect(plan.release).toBe(batch);
    expect([plan.ack, plan.retry, plan.deadLetter, plan.failures]).toEqual([[], [], [], []]);
  });
});

describe('fromOutcomes', () => {
  it('settles each message by its own outcome, treating undefined entries as acks', () => {
    const batch = messages(5);
    const retryError = new Error('flaky');
    const explicitError = new Error('unwanted');
    const permanentError = new PermanentError('bad data');
    const plan = fromOutcomes(batch, [ack(), retry(retryError), deadLetter(explicitError), undefined, retry(permanentError)], policy, NOW);
    expect(ids(plan)).toEqual({
      ack: ['m1', 'm4'],
      retry: ['m2'],
      deadLetter: [
        ['m3', 'explicit'],
        ['m5', 'permanent'],
      ],
      release: [],
    });
    expect(plan.retry[0]).toEqual({ message: batch[1], runAt: NOW + 100, delayMs: 100, error: { name: 'Error', message: 'flaky', code: undefined, stack: undefined } });
    expect(plan.deadLetter[0]?.error).toMatchObject({ name: 'Error', message: 'unwanted' });
    expect(plan.deadLetter[1]?.error).toMatchObject({ name: 'PermanentError', code: 'MQKIT_PERMANENT', message: '[mqkit] bad data' });
    expect(plan.failures).toEqual([
      { message: batch[1], error: retryError, delayMs: 100, reason: undefined },
      { message: batch[2], error: explicitError, delayMs: undefined, reason: 'explicit' },
      { message: batch[4], error: permanentError, delayMs: undefined, reason: 'permanent' },
    ]);
  });

  it('puts every message in exactly one list', () => {
    const batch = messages(6);
    const plan = fromOutcomes(batch, [retry('x'), ack(), deadLetter('y'), undefined, retry(new PermanentError('z'))], policy, NOW);
    const all = [...plan.ack, ...plan.retry.map((r) => r.message), ...plan.deadLetter.map((d) => d.message), ...plan.release];
    expect(all.map((m) => m.id).sort()).toEqual(batch.map((m) => m.id).sort());
  });

  it('acks the rest of the batch when the array is shorter, and everything for an empty array', () => {
    expect(ids(fromOutcomes(messages(3), [retry('x')], policy, NOW))).toEqual({ ack: ['m2', 'm3'], retry: ['m1'], deadLetter: [], release: [] });
    expect(ids(fromOutcomes(messages(2), [], policy, NOW)).ack).toEqual(['m1', 'm2']);
  });

  it("uses a retry outcome's delayMs instead of the backoff", () => {
    const plan = fromOutcomes([message({ attempt: 3 })], [retry(new Error('x'), { delayMs: 7 })], policy, NOW);
    expect(plan.retry[0]?.runAt).toBe(NOW + 7);
    expect(plan.failures[0]?.delayMs).toBe(7);
  });

  it("retries with the backoff of the message's own attempt", () => {
    const plan = fromOutcomes([message({ id: 'a', attempt: 1 }), message({ id: 'b', attempt: 3 })], [retry('x'), retry('y')], policy, NOW);
    expect(plan.retry.map((r) => r.runAt)).toEqual([NOW + 100, NOW + 400]);
  });

  it('dead-letters a retry outcome on the last attempt as max-attempts', () => {
    const plan = fromOutcomes([message({ attempt: 5, maxAttempts: 5 })], [retry(new Error('x'))], policy, NOW);
    expect(ids(plan).deadLetter).toEqual([['m1', 'max-attempts']]);
    expect(plan.failures[0]?.reason).toBe('max-attempts');
  });

  it('dead-letters a dead-letter outcome as explicit even with a retryable error and attempts left', () => {
    const plan = fromOutcomes([message({ attempt: 1 })], [deadLetter(new RetryableError('would retry'))], policy, NOW);
    expect(ids(plan).deadLetter).toEqual([['m1', 'explicit']]);
  });

  it('keeps the stack in dead letters but not in retries', () => {
    const plan = fromOutcomes(messages(2), [retry(new Error('r')), deadLetter(new Error('d'))], policy, NOW);
    expect(plan.retry[0]?.error.stack).toBeUndefined();
    expect(plan.deadLetter[0]?.error.stack).toContain('Error: d');
  });

  it.each<[string, unknown]>([
    ['more outcomes than messages', [ack(), ack(), ack()]],
    ['a number', 42],
    ['an object', { kind: 'ack' }],
    ['a string', 'ack'],
  ])('fails every message with one retryable error for %s', (_what, result) => {
    const batch = messages(2);
    const plan = fromOutcomes(batch, result, policy, NOW);
    expect(ids(plan)).toEqual({ ack: [], retry: ['m1', 'm2'], deadLetter: [], release: [] });
    expect(plan.retry.map((r) => r.runAt)).toEqual([NOW + 100, NOW + 100]);
    const [first, second] = plan.failures;
    expect(first?.error).toBeInstanceOf(RetryableError);
    expect(second?.error).toBe(first?.error);
    expect(plan.retry[0]?.error).toMatchObject({ name: 'RetryableError', code: 'MQKIT_RETRYABLE' });
    expect(plan.retry[0]?.error.message).toContain('Fix the processor');
  });

  it('says how many outcomes came back for how many messages', () => {
    const plan = fromOutcomes(messages(2), [ack(), ack(), ack()], policy, NOW);
    expect(plan.retry[0]?.error.message).toContain('processor returned 3 outcomes for 2 messages');
  });

  it('dead-letters an invalid result on the last attempt as max-attempts', () => {
    const plan = fromOutcomes([message({ attempt: 5, maxAttempts: 5 })], 42, policy, NOW);
    expect(ids(plan).deadLetter).toEqual([['m1', 'max-attempts']]);
  });

  it.each<[string, unknown]>([
    ['an unknown kind', { kind: 'nope' }],
    ['a number', 42],
    ['a string', 'ack'],
    ['an object without a kind', {}],
  ])('fails only the message whose entry is %s, with a retryable error naming its index', (_what, entry) => {
    const plan = fromOutcomes(messages(3), [ack(), entry, ack()], policy, NOW);
    expect(ids(plan)).toEqual({ ack: ['m1', 'm3'], retry: ['m2'], deadLetter: [], release: [] });
    expect(plan.failures[0]?.error).toBeInstanceOf(RetryableError);
    expect(plan.retry[0]?.error.message).toContain('processor result[1] is not an outcome');
  });

  // Regression: a null entry used to crash fromOutcomes with a TypeError (reading `kind` of null),
  // which in ClaimRun escaped as an unhandled rejection and left the consumer slot stuck for good.
  it('fails only the message whose entry is null, with a retryable error naming its index', () => {
    const plan = fromOutcomes(messages(3), [ack(), null, ack()], policy, NOW);
    expect(ids(plan)).toEqual({ ack: ['m1', 'm3'], retry: ['m2'], deadLetter: [], release: [] });
    expect(plan.failures[0]?.error).toBeInstanceOf(RetryableError);
    expect(plan.retry[0]?.error.message).toContain('processor result[1] is not an outcome');
  });

  it('jitters backoff delays with the random source it is given', () => {
    const jittered: RetryPolicy = { ...policy, jitter: 0.5 };
    expect(fromOutcomes([message()], [retry('x')], jittered, NOW, () => 0).retry[0]?.runAt).toBe(NOW + 100);
    expect(fromOutcomes([message()], [retry('x')], jittered, NOW, () => 0.999_999_9).retry[0]?.runAt).toBe(NOW + 50);
  });
});

describe('failAll', () => {
  it('retries the messages with attempts left and dead-letters those on their last attempt', () => {
    const batch = [message({ id: 'a', attempt: 1 }), message({ id: 'b', attempt: 5 }), message({ id: 'c', attempt: 3 })];
    const error = new Error('database down');
    const plan = failAll(batch, error, policy, NOW);
    expect(ids(plan)).toEqual({ ack: [], retry: ['a', 'c'], deadLetter: [['b', 'max-attempts']], release: [] });
    expect(plan.retry.map((r) => r.runAt)).toEqual([NOW + 100, NOW + 400]);
    expect(plan.failures.map((f) => [f.message.id, f.error, f.delayMs, f.reason])).toEqual([
      ['a', error, 100, undefined],
      ['b', error, undefined, 'max-attempts'],
      ['c', error, 400, undefined],
    ]);
  });

  it("uses each message's own maxAttempts", () => {
    const plan = failAll([message({ id: 'once', maxAttempts: 1 }), message({ id: 'many', maxAttempts: 10 })], new Error('x'), policy, NOW);
    expect(ids(plan)).toEqual({ ack: [], retry: ['many'], deadLetter: [['once', 'max-attempts']], release: [] });
  });

  it('dead-letters the whole batch as permanent for a permanent error', () => {
    expect(ids(failAll(messages(2), new PermanentError('bad'), policy, NOW)).deadLetter).toEqual([
      ['m1', 'permanent'],
      ['m2', 'permanent'],
    ]);
  });

  it("retries after a RetryableError's delayMs", () => {
    const plan = failAll(messages(2), new RetryableError('later', { delayMs: 1234 }), policy, NOW);
    expect(plan.retry.map((r) => r.runAt)).toEqual([NOW + 1234, NOW + 1234]);
  });

  it('jitters backoff delays with the random source it is given', () => {
    const jittered: RetryPolicy = { ...policy, jitter: 0.5 };
    expect(failAll([message()], new Error('x'), jittered, NOW, () => 0.999_999_9).retry[0]?.runAt).toBe(NOW + 50);
  });

  it('serializes a non-Error throw', () => {
    expect(failAll([message()], 'boom', policy, NOW).retry[0]?.error).toStrictEqual({ name: 'NonError', message: 'boom' });
  });
});
