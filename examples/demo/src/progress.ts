import type { Tally } from './tally.js';

const BAR_WIDTH = 28;
const fmt = new Intl.NumberFormat('en-US');

/**
 * Live progress on stderr, read from the {@link Tally} (itself fed by lifecycle events): a bar
 * redrawn in place on a terminal, one plain line per second otherwise (CI logs, pipes).
 */
export class Progress {
  readonly #tty: boolean;
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #startedAt = performance.now();
  #lastSettled = 0;
  #lastAt = this.#startedAt;

  constructor(
    private readonly tally: Tally,
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.#tty = out.isTTY === true;
    this.#timer = setInterval(() => this.#render(), this.#tty ? 100 : 1_000);
    this.#timer.unref();
  }

  /** Draws the final state and leaves the line. */
  stop(): void {
    clearInterval(this.#timer);
    this.#render();
    if (this.#tty) this.out.write('\n');
  }

  #render(): void {
    const { tally, total } = this;
    const now = performance.now();
    const settled = tally.settled;
    const rate = ((settled - this.#lastSettled) * 1000) / Math.max(1, now - this.#lastAt);
    this.#lastSettled = settled;
    this.#lastAt = now;
    const share = Math.min(1, settled / total);
    const counts =
      `${fmt.format(settled)}/${fmt.format(total)} settled · published ${fmt.format(tally.published)} · ` +
      `retried ${fmt.format(tally.retried)} · dead ${fmt.format(tally.deadLettered)} · ${fmt.format(Math.round(rate))} msg/s`;
    if (this.#tty) {
      const filled = Math.round(share * BAR_WIDTH);
      const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
      this.out.write(`\r\x1b[2K${bar} ${(share * 100).toFixed(0).padStart(3)}% ${counts}`);
    } else {
      const elapsed = ((now - this.#startedAt) / 1000).toFixed(1);
      this.out.write(`[${elapsed.padStart(5)}s] ${(share * 100).toFixed(1).padStart(5)}% ${counts}\n`);
    }
  }
}
