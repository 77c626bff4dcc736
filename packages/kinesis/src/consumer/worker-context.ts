import type { Clock, Lifecycle, LifecycleEventName, LifecycleEvents, Logger } from '@mqkit/core';
import type { CoordinationStore } from '../coordination/coordination-store.js';
import type { NudgeBus } from '../coordination/nudge-bus.js';
import type { KinesisApi } from '../kinesis/kinesis-api.js';
import type { ResolvedKinesisOptions } from '../kinesis-options.js';

/** What a stream worker is given by its provider. */
export interface WorkerContext {
  readonly queue: string;
  readonly stream: string;
  /** This process's worker id. */
  readonly me: string;
  readonly store: CoordinationStore;
  readonly api: KinesisApi;
  readonly options: ResolvedKinesisOptions;
  readonly lifecycle: Lifecycle;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly bus: NudgeBus;
  /** Bounds a Redis call (a hung connection must not hang a worker). */
  redis<T>(what: string, call: () => Promise<T>): Promise<T>;
}

/** Emits a provider event only when someone listens. */
export function emit<K extends LifecycleEventName>(ctx: WorkerContext, name: K, event: LifecycleEvents[K]): void {
  if (ctx.lifecycle.has(name)) ctx.lifecycle.emit(name, event);
}
