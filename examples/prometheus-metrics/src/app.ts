import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createQueue, type Queue, type QueueProvider } from '@mqkit/core';
import { memory } from '@mqkit/memory';
import { prometheusMetrics } from '@mqkit/prometheus';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { orderProcessor, produce } from './workload.js';

export interface ExampleOptions {
  /** HTTP port for /metrics; 0 picks a free one. */
  readonly port: number;
  readonly host: string;
  /** Orders published per second. */
  readonly ratePerSecond: number;
  /** The backend. Default: the in-process memory provider. */
  readonly provider?: QueueProvider;
}

export interface RunningExample {
  readonly url: string;
  readonly queue: Queue;
  readonly registry: Registry;
  /** Stops producing, drains the consumer, closes the queue and the HTTP server. Returns how many orders were published. */
  stop(): Promise<number>;
}

const TIMEOUT_MS = 1000;

/**
 * The whole wiring a service needs: a registry of its own, the mqkit listener given to
 * createQueue, instrument() for failed publishes and scrape-time queue depth, and /metrics.
 */
export async function startExample(options: ExampleOptions): Promise<RunningExample> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry }); // process CPU, memory, event loop lag
  const provider = options.provider ?? memory({ capacity: 100_000 });
  const metrics = prometheusMetrics({ system: provider.name, registry, queues: ['orders'] });
  const queue = metrics.instrument(
    await createQueue({ provider, lifecycle: [metrics], onLifecycleError: metrics.lifecycleErrorHandler((error, { listener }) => console.error(`listener ${listener} failed`, error)) }),
    { stats: ['orders'] },
  );

  queue.consume('orders', orderProcessor(TIMEOUT_MS), { concurrency: 4, batchSize: 16, timeoutMs: TIMEOUT_MS, retry: { maxAttempts: 3, delayMs: 200 } });
  const producing = new AbortController();
  const produced = produce(queue, { ratePerSecond: options.ratePerSecond }, producing.signal);

  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('try /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  const port = await listen(server, options.port, options.host);

  return {
    url: `http://${options.host}:${port}/metrics`,
    queue,
    registry,
    async stop() {
      producing.abort();
      const count = await produced;
      await queue.close({ timeoutMs: 5000 });
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return count;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}
