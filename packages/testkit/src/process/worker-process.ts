import { fork, type ChildProcess } from 'node:child_process';
import { deliveryLogFile } from './delivery-log.js';
import { eventLogFile } from './event-log.js';
import { FAULT_ENV, type FromWorker, type ToWorker, type WorkerHealth } from './fault-worker.js';

export interface WorkerStart {
  /** The worker's name in the delivery log. */
  readonly name: string;
  /** The folder of the delivery logs (one file per worker). */
  readonly logDir: string;
  /** Extra environment (the provider's connection settings, the queue name, …). */
  readonly env?: Readonly<Record<string, string>>;
  /** ms of work per batch. */
  readonly workMs?: number;
  /** Also log the worker's lease, checkpoint and dead-letter events (`readEvents(logDir)`). */
  readonly events?: boolean;
  /** How long to wait for the worker's `ready` (default 20 s). */
  readonly readyTimeoutMs?: number;
  /** Node options for the child, e.g. `['--import', tsxLoaderUrl]` for a TypeScript worker. */
  readonly execArgv?: readonly string[];
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * The parent side of a fault test: one worker process (a plain `.mjs` script calling
 * {@link runFaultWorker}), with the faults a real deployment meets — `kill()` (SIGKILL mid-batch),
 * `freeze()`/`thaw()` (SIGSTOP/SIGCONT past the lease), `stop()` (a graceful SIGTERM-like stop over
 * IPC). Its stderr is kept for failure messages.
 */
export class WorkerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<Exit>;
  #output = '';

  private constructor(entry: string, start: WorkerStart) {
    this.name = start.name;
    this.child = fork(entry, [], {
      env: {
        ...process.env,
        ...start.env,
        [FAULT_ENV.log]: deliveryLogFile(start.logDir, start.name),
        [FAULT_ENV.name]: start.name,
        [FAULT_ENV.workMs]: String(start.workMs ?? 0),
        ...(start.events === true ? { [FAULT_ENV.events]: eventLogFile(start.logDir, start.name) } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      ...(start.execArgv !== undefined ? { execArgv: [...start.execArgv] } : {}),
    });
    const keep = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString()).slice(-4_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    const readyTimeoutMs = start.readyTimeoutMs ?? 20_000;
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`[mqkit] [testkit] worker ${this.name} not ready after ${readyTimeoutMs} ms:\n${this.#output}`)), readyTimeoutMs);
      this.child.on('message', (message: FromWorker) => {
        if (message?.type === 'ready') {
          clearTimeout(timer);
          resolve();
        } else if (message?.type === 'error') {
          clearTimeout(timer);
          reject(new Error(`[mqkit] [testkit] worker ${this.name} failed to start: ${message.message}\n${this.#output}`));
        }
      });
      void this.exited.then((exit) => {
        clearTimeout(timer);
        reject(new Error(`[mqkit] [testkit] worker ${this.name} exited (${exit.code ?? exit.signal}) before it was ready:\n${this.#output}`));
      });
    });
    this.ready.catch(() => undefined);
  }

  /** Forks `entry` and resolves once it reports ready. */
  static async start(entry: string, start: WorkerStart): Promise<WorkerProcess> {
    const worker = new WorkerProcess(entry, start);
    await worker.ready;
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** What the worker printed lately (for a failure message). */
  get output(): string {
    return this.#output;
  }

  /** Kills it on the spot (default SIGKILL): nothing released, nothing acked. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    this.child.kill(signal);
    return this.exited;
  }

  /** Freezes it (SIGSTOP): its leases run out while it cannot notice. */
  freeze(): void {
    this.child.kill('SIGSTOP');
  }

  /** Wakes it (SIGCONT): whatever it was doing goes on, with the leases it had. */
  thaw(): void {
    this.child.kill('SIGCONT');
  }

  /** Graceful stop over IPC (`queue.close({ timeoutMs })`), then waits for the exit. */
  async stop(timeoutMs = 5_000): Promise<Exit> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    const message: ToWorker = { type: 'stop', timeoutMs };
    this.child.send(message);
    const exit = await Promise.race([this.exited, new Promise<undefined>((resolve) => setTimeout(resolve, timeoutMs + 10_000, undefined))]);
    return exit ?? this.kill();
  }

  /** Heap, RSS and event-loop delay of the worker (undefined if it does not answer within `timeoutMs`, e.g. frozen). */
  async health(timeoutMs = 2_000): Promise<WorkerHealth | undefined> {
    if (this.child.exitCode !== null || this.child.signalCode !== null || !this.child.connected) return undefined;
    return new Promise((resolve) => {
      const onMessage = (message: FromWorker): void => {
        if (message?.type !== 'health') return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        const { type: _type, ...health } = message;
        resolve(health);
      };
      const timer = setTimeout(() => {
        this.child.off('message', onMessage);
        resolve(undefined);
      }, timeoutMs);
      this.child.on('message', onMessage);
      const ask: ToWorker = { type: 'health' };
      this.child.send(ask);
    });
  }
}
