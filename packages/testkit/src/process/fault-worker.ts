import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ConsumeOptions, Message, Queue } from '@mqkit/core';
import { appendDelivery, type DeliveryRecord } from './delivery-log.js';
import { LOGGED_EVENTS, appendEvent } from './event-log.js';

/** Environment a {@link WorkerProcess} gives its child. */
export const FAULT_ENV = {
  /** Where the worker appends its deliveries. */
  log: 'MQKIT_FAULT_LOG',
  name: 'MQKIT_FAULT_NAME',
  /** ms of "work" per batch (default 0): long enough, and a kill lands mid-batch. */
  workMs: 'MQKIT_FAULT_WORK_MS',
  /** Where the worker appends its lifecycle events (leases, checkpoints, dead letters, …); unset: none. */
  events: 'MQKIT_FAULT_EVENTS',
} as const;

export interface FaultWorkerOptions {
  /** Opens the queue this process consumes: the provider under test, configured by the worker script. */
  open(): Promise<Queue>;
  readonly queue: string;
  readonly consume?: ConsumeOptions;
  /** Called for each message after it was logged (default: nothing). */
  readonly process?: (message: Message) => Promise<void> | void;
}

/** A message the parent sends a worker. */
export type ToWorker = { readonly type: 'stop'; readonly timeoutMs: number } | { readonly type: 'health' };
/** How a worker process is doing (for soak runs). */
export interface WorkerHealth {
  readonly heapUsedMb: number;
  readonly rssMb: number;
  /** Event-loop delay since the last report, ms. */
  readonly loopP99Ms: number;
  readonly loopMaxMs: number;
}
/** A message a worker sends its parent. */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'stopped' }
  | { readonly type: 'error'; readonly message: string }
  | ({ readonly type: 'health' } & WorkerHealth);

/**
 * The child side of a fault test: consume `queue`, append every message to the delivery log the
 * moment its processor runs (before the ack, as an application's side effect would happen) and
 * again once its ack was applied, and (when started with `events: true`) its lease, checkpoint
 * and dead-letter events to an event log; work
 * `MQKIT_FAULT_WORK_MS` per batch, and stop gracefully when the parent says so. A SIGKILL, SIGSTOP
 * or a dying server is the parent's business; whatever the worker logged stays logged.
 *
 * ```js
 * // test/fault/worker.mjs
 * import { runFaultWorker } from '@mqkit/testkit';
 * await runFaultWorker({ open: () => createQueue({ provider: prisma({ … }) }), queue: process.env.QUEUE });
 * ```
 */
export async function runFaultWorker(options: FaultWorkerOptions): Promise<void> {
  const log = requireEnv(FAULT_ENV.log);
  const worker = process.env[FAULT_ENV.name] ?? `pid-${process.pid}`;
  const workMs = Number(process.env[FAULT_ENV.workMs] ?? 0);
  const send = (message: FromWorker): void => void process.send?.(message);
  let queue: Queue;
  try {
    queue = await options.open();
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
    return;
  }
  queue.lifecycle.add({
    name: 'fault worker ack log',
    'message.processed': (event) => {
      for (const m of event.messages) {
        const payload = m.payload as { seq?: unknown } | null;
        appendDelivery(log, { worker, id: m.id, partitionKey: m.partitionKey, seq: typeof payload?.seq === 'number' ? payload.seq : undefined, attempt: m.attempt, at: event.at, acked: true });
      }
    },
  });
  const events = process.env[FAULT_ENV.events];
  if (events !== undefined && events !== '') {
    queue.lifecycle.add({ name: 'fault-event-log', onEvent: (e) => void (LOGGED_EVENTS.has(e.type) && appendEvent(events, worker, e)) });
  }
  queue.consume(
    options.queue,
    async (messages) => {
      for (const m of messages) {
        const payload = m.payload as { seq?: unknown } | null;
        const record: DeliveryRecord = {
          worker,
          id: m.id,
          partitionKey: m.partitionKey,
          seq: typeof payload?.seq === 'number' ? payload.seq : undefined,
          attempt: m.attempt,
          at: Date.now(),
        };
        appendDelivery(log, record);
        await options.process?.(m);
      }
      if (workMs > 0) await new Promise((resolve) => setTimeout(resolve, workMs));
    },
    options.consume,
  );
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  process.on('message', (message: ToWorker) => {
    if (message?.type === 'health') {
      const memory = process.memoryUsage();
      send({ type: 'health', heapUsedMb: memory.heapUsed / 2 ** 20, rssMb: memory.rss / 2 ** 20, loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6 });
      loop.reset();
      return;
    }
    if (message?.type !== 'stop') return;
    void queue.close({ timeoutMs: message.timeoutMs }).then(() => {
      send({ type: 'stopped' });
      process.disconnect?.();
    });
  });
  send({ type: 'ready' });
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`[mqkit] [testkit] a fault worker needs ${name} (start it with WorkerProcess.start)`);
  return value;
}
