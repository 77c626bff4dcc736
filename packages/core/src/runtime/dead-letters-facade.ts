import type { DeadLetterListOptions, DeadLetterPage, DeadLetterSelector, DeadLetterStore } from '../contracts/dead-letter.js';
import type { Lifecycle } from '../lifecycle/lifecycle.js';
import type { Clock } from '../util/clock.js';
import { validateListOptions, validateSelector } from './dead-letter-input.js';
import { validateQueueName } from './publish-input.js';

/**
 * `queue.deadLetters`: checks the queue is open, the name and the options, then passes through to
 * the provider's store; a replay that moved messages raises `message.replayed`. Every method
 * rejects (never throws) on bad input.
 */
export class DeadLettersFacade implements DeadLetterStore {
  constructor(
    private readonly store: DeadLetterStore,
    private readonly lifecycle: Lifecycle,
    private readonly clock: Clock,
    private readonly assertOpen: (what: string) => void,
  ) {}

  async list(queue: string, options?: DeadLetterListOptions): Promise<DeadLetterPage> {
    this.#check(queue);
    validateListOptions(options);
    return this.store.list(queue, options);
  }

  async replay(queue: string, selector?: DeadLetterSelector): Promise<{ readonly replayed: number }> {
    this.#check(queue);
    validateSelector(selector, 'deadLetters.replay');
    const result = await this.store.replay(queue, selector);
    if (result.replayed > 0 && this.lifecycle.has('message.replayed')) {
      this.lifecycle.emit('message.replayed', { queue, count: result.replayed, at: this.clock.now() });
    }
    return result;
  }

  async purge(queue: string, selector?: DeadLetterSelector): Promise<{ readonly purged: number }> {
    this.#check(queue);
    validateSelector(selector, 'deadLetters.purge');
    return this.store.purge(queue, selector);
  }

  #check(queue: string): void {
    this.assertOpen('deadLetters');
    validateQueueName(queue);
  }
}
