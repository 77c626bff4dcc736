/** Injectable time source (epoch ms). Timers use the runtime's own `setTimeout`. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = Object.freeze({ now: () => Date.now() });
