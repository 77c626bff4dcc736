import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '@mqkit/testkit';
import { PROMETHEUS } from './promtool.js';

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ScrapeTarget {
  readonly job: string;
  /** host:port */
  readonly address: string;
}

export interface PrometheusServer {
  readonly url: string;
  /** An instant query; the API's `data.result`. */
  query(promql: string): Promise<PromResult[]>;
  /** A range query over the last `seconds`, step 1 s. */
  queryRange(promql: string, seconds: number): Promise<PromResult[]>;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
  readonly log: () => string;
}

export interface PromResult {
  readonly metric: Record<string, string>;
  readonly value?: [number, string];
  readonly values?: [number, string][];
}

/**
 * A Prometheus of the test's own: a generated config scraping `targets` every second, its TSDB in
 * a temp folder, on a free port; stopped and removed by `stop()`.
 */
export async function startPrometheus(targets: readonly ScrapeTarget[]): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mqkit-prometheus-'));
  const port = await freePort();
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    'scrape_configs:',
    ...targets.flatMap((t) => [`  - job_name: ${t.job}`, '    static_configs:', `      - targets: ['${t.address}']`]),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  let output = '';
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${output}`);
        return (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok === true;
      },
      20_000,
      () => `prometheus ready on ${url}\n${output}`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const api = async (path: string, params: Record<string, string>): Promise<PromResult[]> => {
    const response = await fetch(`${url}${path}?${new URLSearchParams(params).toString()}`);
    const body = (await response.json()) as { status: string; error?: string; data?: { result: PromResult[] } };
    if (body.status !== 'success') throw new Error(`${params.query}: ${body.error ?? response.status}`);
    return body.data!.result;
  };
  return {
    url,
    query: (promql) => api('/api/v1/query', { query: promql }),
    queryRange: (promql, seconds) => {
      const end = Date.now() / 1000;
      return api('/api/v1/query_range', { query: promql, start: String(end - seconds), end: String(end), step: '1' });
    },
    stop,
    log: () => output,
  };
}
