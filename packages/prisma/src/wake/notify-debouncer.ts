/**
 * Decides whether a publish statement carries a NOTIFY. NOTIFY takes a database-wide lock at
 * commit, so a process publishing thousands of statements a second must not send one each: at
 * most one per queue per `debounceMs` rides on a publish; one suppressed inside that window is
 * made up by a single trailing NOTIFY at its end (so a consumer never waits for the polling
 * backstop because of the debounce).
 */
export class NotifyDebouncer {
  readonly #last = new Map<string, number>();
  readonly #trailing = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly debounceMs: number,
    private readonly sendTrailing: (queue: string) => void,
  ) {}

  /** True: let this publish notify. False: it is covered by a trailing notify. */
  shouldNotify(queue: string): boolean {
    const now = performance.now();
    const last = this.#last.get(queue);
    if (this.debounceMs === 0 || last === undefined || now - last >= this.debounceMs) {
      this.#last.set(queue, now);
      return true;
    }
    if (!this.#trailing.has(queue)) {
      const timer = setTimeout(() => {
        this.#trailing.delete(queue);
        this.#last.set(queue, performance.now());
        this.sendTrailing(queue);
      }, this.debounceMs - (now - last));
      timer.unref?.();
      this.#trailing.set(queue, timer);
    }
    return false;
  }

  close(): void {
    for (const timer of this.#trailing.values()) clearTimeout(timer);
    this.#trailing.clear();
  }
}
