// Builds a ClaimRun (or its deps) over a difficult tiny backend, and records what it emits.
import type { Processor } from '../../src/contracts/processor.js';
import type { Claim, Receiver } from '../../src/contracts/provider.js';
import type { AnyLifecycleEvent, LifecycleEventName, LifecycleEvents } from '../../src/lifecycle/events.js';
import { Lifecycle } from '../../src/lifecycle/lifecycle.js';
import { buildMessages } from '../../src/runtime/build-messages.js';
import { ClaimRun, type ClaimRunDeps } from '../../src/runtime/claim-run.js';
import { DEFAULT_CONSUME_SETTINGS, type ConsumeSettings } from '../../src/runtime/consume-settings.js';
import { systemClock } from '../../src/util/clock.js';
import { createIdGenerator } from '../../src/util/ids.js';
import type { Logger } from '../../src/util/logger.js';
import { difficult, type DifficultProvider } from './difficult.js';
import { TinyProvider } from './tiny-provider.js';
import type { Script } from '../../../testkit/src/difficult/index.js';
import type { QueueProvider } from '../../src/contracts/provider.js';

/** Every event a lifecycle raised, in order. */
export class Events {
  readonly all: AnyLifecycleEvent[] = [];
  constructor(lifecycle: Lifecycle) {
    lifecycle.add({ name: 'test events', onEvent: (e) => void this.all.push(e) });
  }
  of<K extends LifecycleEventName>(type: K): Array<LifecycleEvents[K] & { type: K }> {
    return this.all.filter((e) => e.type === type) as unknown as Array<LifecycleEvents[K] & { type: K }>;
  }
  types(): LifecycleEventName[] {
    return this.all.map((e) => e.type);
  }
}

/** A logger that keeps what it was told. */
export function recordingLogger(): Logger & { readonly lines: Array<{ level: string; message: string }> } {
  const lines: Array<{ level: string; message: string }> = [];
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface Harness {
  readonly tiny: TinyProvider;
  readonly backend: DifficultProvider & { readonly spi: QueueProvider };
  readonly receiver: Receiver;
  readonly lifecycle: Lifecycle;
  readonly events: Events;
  readonly logger: ReturnType<typeof recordingLogger>;
  /** Publishes `n` messages to queue 'q' of the backend. */
  publish(n?: number): Promise<string[]>;
  /** Takes a claim of up to `max` ready messages (through the difficult wrapper). */
  claim(max?: number): Promise<Claim>;
  deps(processor: Processor, settings?: Partial<ConsumeSettings>, over?: Partial<ClaimRunDeps>): ClaimRunDeps;
  /** Publishes one message, claims it and starts a run of `processor` on it. */
  run(processor: Processor, settings?: Partial<ConsumeSettings>, over?: Partial<ClaimRunDeps>): Promise<ClaimRun>;
}

export function harness(options: { script?: Script; skewMs?: number; leaseMs?: number } = {}): Harness {
  const tiny = new TinyProvider();
  const backend = difficult(tiny, { script: options.script, skewMs: options.skewMs });
  const leaseMs = options.leaseMs ?? DEFAULT_CONSUME_SETTINGS.leaseMs;
  const receiver = backend.spi.receiver('q', { consumerId: 'c1', leaseMs, maxAttempts: 5, ordered: false });
  const lifecycle = new Lifecycle();
  const events = new Events(lifecycle);
  const logger = recordingLogger();
  const ids = createIdGenerator();
  const h: Harness = {
    tiny,
    backend,
    receiver,
    lifecycle,
    events,
    logger,
    async publish(n = 1) {
      const built = buildMessages('q', Array.from({ length: n }, (_, i) => ({ payload: i })), Date.now(), ids);
      return [...(await tiny.publish('q', built)).ids];
    },
    async claim(max = 10) {
      const aborted = new AbortController();
      aborted.abort();
      const claim = await receiver.receive(max, aborted.signal);
      if (claim === null) throw new Error('nothing to claim');
      return claim;
    },
    deps(processor, settings = {}, over = {}) {
      return {
        queue: 'q',
        consumerId: 'c1',
        receiver,
        processor,
        settings: { ...DEFAULT_CONSUME_SETTINGS, leaseMs, ...settings },
        renewLeases: true,
        perMessageSettle: true,
        lifecycle,
        clock: systemClock,
        logger,
        random: () => 0,
        ...over,
      };
    },
    async run(processor, settings, over) {
      await h.publish(1);
      const run = new ClaimRun(h.deps(processor, settings, over), await h.claim());
      run.start();
      return run;
    },
  };
  return h;
}

/** Resolves when `signal` aborts, with its reason. */
export function aborted(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => (signal.aborted ? resolve(signal.reason) : signal.addEventListener('abort', () => resolve(signal.reason), { once: true })));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
