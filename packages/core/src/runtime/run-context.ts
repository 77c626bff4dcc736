import type { ProcessorContext } from '../contracts/processor.js';
import type { Logger } from '../util/logger.js';

/** What the context reads from its run. */
export interface ContextSource {
  signal(): AbortSignal;
  readonly leaseExpiresAt: number;
  readonly deadline: number;
  extendLease(ms: number): Promise<void>;
}

/**
 * The `ctx` a processor gets. A class, not an object literal with getters: V8 keeps class
 * instances in fast mode, and a literal with accessors made per batch cost full GCs.
 */
export class RunContext implements ProcessorContext {
  constructor(
    private readonly run: ContextSource,
    readonly queue: string,
    readonly consumerId: string,
    readonly shardId: string | undefined,
    readonly logger: Logger,
  ) {}

  get signal(): AbortSignal {
    return this.run.signal();
  }

  get leaseExpiresAt(): number {
    return this.run.leaseExpiresAt;
  }

  get deadline(): number {
    return this.run.deadline;
  }

  extendLease(ms: number): Promise<void> {
    return this.run.extendLease(ms);
  }
}
