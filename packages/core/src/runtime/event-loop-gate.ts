/**
 * Keeps consumers from starving the event loop. A fast processor on a full queue can run claim
 * after claim without leaving the microtask queue, so timers (deadlines, lease renewals, delayed
 * messages) and the process's own I/O would wait until the queue is empty. Every slot of every
 * consumer passes this gate after each claim: once ~`budgetMs` of work has gone by without a
 * macrotask turn, all of them await the same `setImmediate`, so the loop really gets its turn
 * (one slot yielding alone would not: the others would keep the microtask queue busy).
 */
export class EventLoopGate {
  #since = performance.now();
  #turn: Promise<void> | undefined;

  constructor(private readonly budgetMs: number) {}

  /**
   * `undefined` to carry on now, or a promise to await: the event loop's next turn. `now`: the
   * `performance.now()` of a moment just passed, if the caller has one (a slot passes the start of
   * the claim it just finished, which saves a clock read per claim and makes the turn come at most
   * one claim later).
   */
  pass(now = performance.now()): Promise<void> | undefined {
    if (this.#turn !== undefined) return this.#turn;
    if (now - this.#since < this.budgetMs) return undefined;
    this.#turn = new Promise((resolve) =>
      setImmediate(() => {
        this.#turn = undefined;
        this.#since = performance.now();
        resolve();
      }),
    );
    return this.#turn;
  }
}

/** Shared by every consumer in the process: 10 ms of back-to-back claims, then a turn. */
export const eventLoopGate = new EventLoopGate(10);
