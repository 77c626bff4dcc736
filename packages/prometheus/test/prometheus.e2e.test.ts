import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { until } from '@mqkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardTargets, substitute } from './dashboard.js';
import { startPrometheus, type PrometheusServer } from './prometheus-server.js';
import { noPrometheus, skipped } from './promtool.js';
import { startStreamEvents } from './stream-events.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/prometheus-metrics/dist/main.js', import.meta.url));
const noExample = existsSync(EXAMPLE) ? undefined : `${EXAMPLE} is not built — run pnpm build first`;
const reason = noPrometheus ?? noExample;
/** Seconds of scrapes (one a second) gathered before the dashboard's queries run. */
const GATHER_S = 16;

describe.skipIf(reason !== undefined)(skipped('a real Prometheus scraping examples/prometheus-metrics during a workload', reason), () => {
  let example: ChildProcess | undefined;
  let stream: Awaited<ReturnType<typeof startStreamEvents>> | undefined;
  let prometheus: PrometheusServer | undefined;
  let exampleOutput = '';

  beforeAll(async () => {
    example = spawn(process.execPath, [EXAMPLE], { env: { ...process.env, PORT: '0', RATE: '100' }, stdio: ['ignore', 'pipe', 'pipe'] });
    example.stdout?.on('data', (d: Buffer) => (exampleOutput += d.toString()));
    example.stderr?.on('data', (d: Buffer) => (exampleOutput += d.toString()));
    await until(() => /metrics on http:\/\/(\S+)\/metrics/.test(exampleOutput), 10_000, () => `the example to print its URL:\n${exampleOutput}`);
    const exampleAddress = /metrics on http:\/\/(\S+)\/metrics/.exec(exampleOutput)![1]!;
    stream = await startStreamEvents();
    prometheus = await startPrometheus([
      { job: 'mqkit-example', address: exampleAddress },
      { job: 'mqkit-stream-worker', address: stream.address },
    ]);
    const p = prometheus;
    await until(
      async () => {
        const samples = await p.query('count_over_time(up[1m])');
        const up = await p.query('up');
        return samples.length === 2 && samples.every((r) => Number(r.value![1]) >= GATHER_S) && up.every((r) => r.value![1] === '1');
      },
      45_000,
      () => `${GATHER_S} s of successful scrapes of both targets\n${p.log()}`,
    );
  }, 70_000);

  afterAll(async () => {
    await prometheus?.stop();
    await stream?.stop();
    if (example !== undefined && example.exitCode === null) {
      const exited = new Promise((resolve) => example!.once('exit', resolve));
      example.kill('SIGTERM');
      await exited;
    }
  });

  it('scrapes the example and finds the mqkit series with their labels', async () => {
    const consumed = await prometheus!.query('sum by (messaging_system, messaging_destination_name) (rate(messaging_client_consumed_messages_total[10s]))');
    const orders = consumed.find((r) => r.metric.messaging_system === 'memory' && r.metric.messaging_destination_name === 'orders');
    expect(orders?.metric).toEqual({ messaging_system: 'memory', messaging_destination_name: 'orders' });
    expect(Number(orders!.value![1])).toBeGreaterThan(0);
  });

  it.each(dashboardTargets.map((t) => [t.panel, t.expr] as const))('dashboard panel "%s" returns data: %s', async (_panel, expr) => {
    const result = await prometheus!.queryRange(substitute(expr), 10);
    const values = result.flatMap((r) => r.values ?? []).map(([, v]) => Number(v));
    expect(result.length, 'series').toBeGreaterThan(0);
    expect(values.some((v) => Number.isFinite(v)), 'a finite value').toBe(true);
  });
});
