import type { DeadLetter } from '../contracts/dead-letter.js';
import type { Message } from '../contracts/message.js';
import type { Lifecycle } from './lifecycle.js';

/*
 * The events every provider raises for what only it sees, built one way for all of them. Each
 * checks `lifecycle.has` first, so a provider pays nothing when nobody listens.
 */

/** A message passed its `expiresAt` before delivery and was discarded: `message.expired`. */
export function emitExpired(lifecycle: Lifecycle, queue: string, message: Message, at: number): void {
  if (lifecycle.has('message.expired')) lifecycle.emit('message.expired', { queue, message, at });
}

/**
 * A message was dead-lettered as a poison pill (delivered `maxAttempts` times, never settled):
 * `poison-pill`, then its `message.dead-lettered` pair. `letter.message.attempt` is the number of
 * deliveries it had.
 */
export function emitPoisonPill(lifecycle: Lifecycle, queue: string, letter: DeadLetter, at: number, shardId?: string): void {
  if (lifecycle.has('poison-pill')) {
    lifecycle.emit('poison-pill', { queue, message: letter.message, attempts: letter.message.attempt, shardId, at });
  }
  emitDeadLettered(lifecycle, queue, letter, at);
}

/** A stored message or record could not be decoded and was dead-lettered (reason `'undecodable'`). */
export function emitUndecodable(lifecycle: Lifecycle, queue: string, letter: DeadLetter, at: number): void {
  emitDeadLettered(lifecycle, queue, letter, at);
}

function emitDeadLettered(lifecycle: Lifecycle, queue: string, letter: DeadLetter, at: number): void {
  if (lifecycle.has('message.dead-lettered')) {
    lifecycle.emit('message.dead-lettered', { queue, message: letter.message, reason: letter.reason, error: letter.error, at });
  }
}
