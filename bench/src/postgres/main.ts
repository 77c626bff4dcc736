/**
 * `pnpm bench`, Postgres part: mqkit's prisma provider next to pg-boss 12.35 and graphile-worker
 * 0.18 on the same Postgres (as it runs: fsync on), same no-op jobs, each in its best batched
 * configuration, tables ANALYZEd after every bulk insert for all three. Prints:
 *   1. batch publish (jobs/s) and processed throughput of N pre-published jobs (jobs/s);
 *   2. publish→start latency at 100 jobs/s (p50/p99);
 *   3. mqkit with 1,000,000 jobs ready against its figure at N;
 *   4. mqkit while a transaction holds a snapshot open for 60 s (xmin pinned).
 * BENCH_PG_N (default 50000), BENCH_PG_REPS (default 3), BENCH_PG_QUICK=1 (short: skips 2, 3 and 4),
 * BENCH_PG_PARTS (comma list of throughput, latency, million, xmin; default all of them).
 */
import { graphileSystem } from './graphile-system.js';
import { mqkitSystem } from './mqkit-system.js';
import { analyzeSchema, serverSettings } from './pg-admin.js';
import { pgbossSystem } from './pgboss-system.js';
import { measureLatency, measureProcessing, measurePublish, percentile } from './measure.js';
import { pinnedXmin } from './xmin.js';
import type { PgSystem } from './system.js';
import { describeLoad, describeMachine } from '../machine.js';
import { formatGrid, formatRate } from '../table.js';

const N = Number(process.env.BENCH_PG_N ?? 50_000);
const REPS = Number(process.env.BENCH_PG_REPS ?? 3);
const QUICK = process.env.BENCH_PG_QUICK === '1';
const PARTS = new Set((process.env.BENCH_PG_PARTS ?? (QUICK ? 'throughput' : 'throughput,latency,million,xmin')).split(',').map((p) => p.trim()));
const PUBLISH_BATCH = 1_000;

const systems = (): PgSystem[] => [
  mqkitSystem({ batchSize: 1_000, concurrency: 4, pool: 10 }),
  pgbossSystem({ batchSize: 100, localConcurrency: 4, pool: 10 }),
  graphileSystem({ concurrency: 100, localQueue: 500, pool: 20 }),
];

interface Row {
  readonly system: string;
  readonly config: string;
  publish: number[];
  process: number[];
  latency?: { p50: number; p99: number };
}

async function main(): Promise<void> {
  console.log(`postgres bench: ${describeMachine()}`);
  console.log(`server: ${await serverSettings()}; N = ${N}, ${REPS} rounds, publish batches of ${PUBLISH_BATCH}`);
  console.log(`${describeLoad()} at the start`);
  const rows = new Map<string, Row>();
  for (let round = 1; round <= REPS; round++) {
    const order = round % 2 === 1 ? systems() : systems().reverse();
    for (const system of order) {
      const row = rows.get(system.name) ?? { system: system.name, config: system.config, publish: [], process: [] };
      rows.set(system.name, row);
      await system.setup();
      try {
        if (PARTS.has('throughput')) {
          const publish = await measurePublish(system, N, PUBLISH_BATCH);
          await analyzeSchema(system.schema);
          const processed = await measureProcessing(system, N);
          row.publish.push(publish);
          row.process.push(processed);
          console.log(`  round ${round}/${REPS}  ${system.name.padEnd(22)} publish ${formatRate(publish)} jobs/s   process ${formatRate(processed)} jobs/s`);
        }
        if (round === REPS && PARTS.has('latency')) {
          row.latency = await measureLatency(system, 100, 5_000);
          console.log(`  latency   ${system.name.padEnd(22)} p50 ${row.latency.p50.toFixed(2)} ms  p99 ${row.latency.p99.toFixed(2)} ms (100 jobs/s, publish call → handler start)`);
        }
      } finally {
        await system.teardown();
      }
    }
  }
  const median = (xs: number[]): number => percentile(xs, 50);
  const medianRate = (xs: number[]): string => (xs.length === 0 ? '—' : formatRate(median(xs)));
  const table = [...rows.values()].map((r) => [
    r.system,
    r.config,
    medianRate(r.publish),
    medianRate(r.process),
    r.latency ? `${r.latency.p50.toFixed(2)} / ${r.latency.p99.toFixed(2)} ms` : '—',
  ]);
  console.log('');
  console.log(formatGrid(['system', 'config', 'publish jobs/s (median)', 'process jobs/s (median)', 'latency p50 / p99 @100/s'], table));
  const get = (name: string): Row => [...rows.values()].find((r) => r.system.startsWith(name))!;
  const mq = get('mqkit');
  const boss = get('pg-boss');
  const graphile = get('graphile');
  const ratio = (a: number[], b: number[]): string => (median(a) / median(b)).toFixed(2);
  console.log('');
  if (PARTS.has('throughput')) console.log(`process: mqkit / graphile-worker ${ratio(mq.process, graphile.process)} (target ≥ 1.5), mqkit / pg-boss ${ratio(mq.process, boss.process)} (target ≥ 3)`);
  if (PARTS.has('throughput')) console.log(`publish: mqkit / graphile-worker ${ratio(mq.publish, graphile.publish)}, mqkit / pg-boss ${ratio(mq.publish, boss.publish)} (target ≥ 2 both)`);
  if (mq.latency) console.log(`latency: mqkit p50 ${mq.latency.p50.toFixed(2)} ms (target ≤ 1.5), p99 ${mq.latency.p99.toFixed(2)} ms (target ≤ 5)`);
  if (PARTS.has('million')) {
    const big = mqkitSystem({ batchSize: 1_000, concurrency: 4, pool: 10 });
    await big.setup();
    try {
      console.log('');
      console.log('mqkit with 1,000,000 jobs ready:');
      await measurePublish(big, 1_000_000, 5_000);
      await analyzeSchema(big.schema);
      const rate = await measureProcessing(big, 1_000_000);
      const againstN = mq.process.length === 0 ? '(run with throughput for the ratio to N)' : `= ${(rate / median(mq.process)).toFixed(2)} × its ${formatRate(median(mq.process))} at ${N} (target ≥ 0.8)`;
      console.log(`  processed 1,000,000 at ${formatRate(rate)} jobs/s ${againstN}`);
    } finally {
      await big.teardown();
    }
  }
  if (PARTS.has('xmin')) {
    console.log('');
    console.log('mqkit while a transaction holds its snapshot (xmin) for 60 s:');
    await pinnedXmin(mqkitSystem({ batchSize: 1_000, concurrency: 4, pool: 10 }));
  }
  console.log(`${describeLoad()} at the end`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
