/**
 * A steady order workload on the memory provider with its metrics on http://127.0.0.1:9464/metrics
 * (PORT, HOST, RATE and DURATION_MS override). Runs until Ctrl-C / SIGTERM, or DURATION_MS.
 * Point a Prometheus at it and import packages/prometheus/grafana/mqkit-dashboard.json.
 */
import { startExample } from './app.js';

const env = process.env;
const port = Number(env.PORT ?? 9464);
const durationMs = env.DURATION_MS === undefined ? undefined : Number(env.DURATION_MS);
const example = await startExample({ port, host: env.HOST ?? '127.0.0.1', ratePerSecond: Number(env.RATE ?? 200) });
console.log(`mqkit metrics on ${example.url}`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  const published = await example.stop();
  console.log(`stopped after publishing ${published} orders`);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
if (durationMs !== undefined) setTimeout(() => void stop(), durationMs);
