/**
 * Bench knobs, from the environment (the bench is an application: reading env here is fine).
 *
 * - BENCH_N: messages per measured run of the batched configs (default 2,000,000)
 * - BENCH_REPS: measured repetitions per config; the median is reported (default 5)
 * - BENCH_PUBLISH_BATCH: messages per publish call / fastq feed (default 10,000)
 * - BENCH_ONLY: comma list of cases to run, e.g. `memory:512x8,fastq:64` (default: all)
 * - BENCH_FEED: how producers are fed, the same for every case: `paced` (default) or `flood`
 * - BENCH_JSON: write the results as JSON to this path too
 * - BENCH_SUITES: which parts run, `memory,kinesis` (default both)
 * - BENCH_KINESIS_N: records per Kinesis producer/consumer run (default 100,000)
 * - BENCH_KINESIS_REPS: rounds of the Kinesis producer/consumer runs (default 3)
 * - BENCH_FAILOVER_REPS: failover runs per lease setting (default 2)
 * - BENCH_KINESIS_PARTS: which Kinesis parts run, `producer,consumer,failover` (default all)
 * - REDIS_URL: the Redis the Kinesis part coordinates through (default redis://127.0.0.1:6379)
 */
/**
 * How every case's producer is fed, memory and fastq alike. `paced`: a lot of BENCH_PUBLISH_BATCH,
 * then wait until it has been processed. `flood`: a lot, one turn of the event loop, the next lot,
 * without waiting — a consumer slower than the producer then runs behind a backlog of up to N.
 */
export type Feed = 'paced' | 'flood';

export interface BenchSettings {
  readonly n: number;
  readonly reps: number;
  readonly publishBatch: number;
  readonly only: ReadonlySet<string> | undefined;
  readonly jsonPath: string | undefined;
  readonly feed: Feed;
  readonly suites: ReadonlySet<string>;
  readonly kinesisN: number;
  readonly kinesisReps: number;
  readonly failoverReps: number;
  readonly kinesisParts: ReadonlySet<string>;
  readonly redisUrl: string;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const only = env.BENCH_ONLY?.trim();
  return {
    n: positiveInt(env.BENCH_N, 'BENCH_N', 2_000_000),
    reps: positiveInt(env.BENCH_REPS, 'BENCH_REPS', 5),
    publishBatch: positiveInt(env.BENCH_PUBLISH_BATCH, 'BENCH_PUBLISH_BATCH', 10_000),
    only: only ? new Set(only.split(',').map((s) => s.trim())) : undefined,
    jsonPath: env.BENCH_JSON || undefined,
    feed: feedOf(env.BENCH_FEED),
    suites: new Set((env.BENCH_SUITES?.trim() || 'memory,kinesis').split(',').map((x) => x.trim())),
    kinesisN: positiveInt(env.BENCH_KINESIS_N, 'BENCH_KINESIS_N', 100_000),
    kinesisReps: positiveInt(env.BENCH_KINESIS_REPS, 'BENCH_KINESIS_REPS', 3),
    failoverReps: positiveInt(env.BENCH_FAILOVER_REPS, 'BENCH_FAILOVER_REPS', 2),
    kinesisParts: new Set((env.BENCH_KINESIS_PARTS?.trim() || 'producer,consumer,failover').split(',').map((x) => x.trim())),
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
  };
}

function feedOf(raw: string | undefined): Feed {
  if (raw === undefined || raw === '' || raw === 'paced') return 'paced';
  if (raw === 'flood') return 'flood';
  throw new Error(`BENCH_FEED must be paced or flood, got ${JSON.stringify(raw)}`);
}

function positiveInt(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}
