/**
 * A steady order workload on the memory provider with its metrics on http://127.0.0.1:9464/metrics
 * (PORT, HOST, RATE and DURATION_MS override). Runs until Ctrl-C / SIGTERM, or DURATION_MS.
 * Point a Prometheus at it and import packages/prometheus/grafana/mqkit-dashboard.json.
 *
 * With DURATION_MS it checks itself before it stops: it scrapes its own /metrics over HTTP and
 * exits 1 unless the series a dashboard needs are there with plausible values (CI runs it so).
 */
import { startExample } from './app.js';

const env = process.env;
const port = Number(env.PORT ?? 9464);
const durationMs = env.DURATION_MS === undefined ? undefined : Number(env.DURATION_MS);
const example = await startExample({ port, host: env.HOST ?? '127.0.0.1', ratePerSecond: Number(env.RATE ?? 200) });
console.log(`mqkit metrics on ${example.url}`);

let stopping = false;
async function stop(check: boolean): Promise<void> {
  if (stopping) return;
  stopping = true;
  const problems = check ? await selfCheck(example.url) : [];
  const published = await example.stop();
  console.log(`stopped after publishing ${published} orders`);
  for (const p of problems) console.error(`self-check: ${p}`);
  if (problems.length > 0) process.exitCode = 1;
}
process.once('SIGINT', () => void stop(false));
process.once('SIGTERM', () => void stop(false));
if (durationMs !== undefined) setTimeout(() => void stop(true), durationMs);

/** What a scrape of this process must show after a few seconds of work. */
async function selfCheck(url: string): Promise<string[]> {
  const text = await (await fetch(url)).text();
  const value = (series: string): number => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  const labels = 'messaging_system="memory",messaging_destination_name="orders"';
  const checks: Array<[string, number, (v: number) => boolean]> = [
    ['published', value(`messaging_client_sent_messages_total{${labels},messaging_operation_name="publish"}`), (v) => v > 0],
    ['acked', value(`mqkit_messages_settled_total{${labels},outcome="ack"}`), (v) => v > 0],
    ['consumer slots', value(`mqkit_consumer_slots{${labels}}`), (v) => v === 4],
    ['queue stats up', value(`mqkit_queue_stats_up{${labels}}`), (v) => v === 1],
    ['process duration observations', value(`messaging_process_duration_seconds_count{${labels},messaging_operation_name="process"}`), (v) => v > 0],
  ];
  for (const [what, v] of checks) console.log(`self-check: ${what} = ${v}`);
  return checks.filter(([, v, ok]) => !ok(v)).map(([what, v]) => `${what} is ${v}`);
}
