import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { mqkitRead, rawRead } from './consumer-run.js';
import { startDynalite, startKinesalite } from './emulators.js';
import { failover } from './failover-run.js';
import { lifionRead } from './lifion-run.js';
import { freshStream, mqkitPut, rawPut } from './producer-run.js';

/** Targets from the issue. */
const PRODUCER_RATIO = 0.95;
const CONSUMER_RATIO = 0.9;
const FAILOVER_DEFAULT_MS = 10_000;
const FAILOVER_TUNED_MS = 3_000;
const HANDOFF_MS = 1_000;

export interface KinesisBenchSettings {
  /** Records per producer / consumer run. */
  readonly n: number;
  readonly reps: number;
  readonly redisUrl: string;
  /** Failover runs per lease setting. */
  readonly failoverReps: number;
  /** Which parts run: producer, consumer, failover. */
  readonly parts: ReadonlySet<string>;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
const range = (xs: readonly number[]): string => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;

async function dropPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

/**
 * The Kinesis part of `pnpm bench`, in one run on one kinesalite (a child process): the producer
 * next to a raw PutRecords loop, the consumer next to raw GetRecords over the same shards and
 * next to lifion-kinesis (its leases on dynalite), and failover after SIGKILL and hand-off after a
 * graceful stop, with the default and a tuned lease.
 */
export async function runKinesisBench(s: KinesisBenchSettings, log: (line: string) => void): Promise<void> {
  const kinesalite = await startKinesalite();
  const dynalite = await startDynalite();
  const run = randomBytes(3).toString('hex');
  const prefix = `mqkit-bench:${run}:`;
  let k = 0;
  const stream = (what: string): string => `bench-${what}-${run}-${++k}`;
  try {
    log(`kinesis: kinesalite and dynalite in child processes, Redis ${s.redisUrl}; ${fmt(s.n)} records of ~200 bytes per run, ${s.reps} rounds (round-robin), median`);
    if (s.parts.has('producer')) await producer();
    if (s.parts.has('consumer')) await consumer();
    if (s.parts.has('failover')) await failovers();
  } finally {
    await kinesalite.stop();
    await dynalite.stop();
    await dropPrefix(s.redisUrl, prefix).catch(() => undefined);
  }

  async function producer(): Promise<void> {
    const raw: number[] = [];
    const ours: number[] = [];
    // Warm-up (unmeasured): connections, JIT.
    const warm = stream('warm');
    await freshStream(kinesalite.endpoint, warm, 4);
    await rawPut(kinesalite.endpoint, warm, 2_000, 200);
    await mqkitPut(kinesalite.endpoint, s.redisUrl, prefix, warm, 2_000, 200, 5_000);
    for (let round = 0; round < s.reps; round++) {
      const order = round % 2 === 0 ? ['raw', 'mqkit'] : ['mqkit', 'raw'];
      for (const who of order) {
        const name = stream('put');
        await freshStream(kinesalite.endpoint, name, 4);
        if (who === 'raw') raw.push(await rawPut(kinesalite.endpoint, name, s.n, 200));
        else ours.push(await mqkitPut(kinesalite.endpoint, s.redisUrl, prefix, name, s.n, 200, 5_000));
        process.stderr.write(`  producer round ${round + 1}/${s.reps}  ${who.padEnd(6)} ${fmt((who === 'raw' ? raw : ours).at(-1)!)} records/s\n`);
      }
    }
    const putRatio = median(ours) / median(raw);
    log(`producer  raw PutRecords loop (500/call): ${fmt(median(raw))} records/s (${range(raw)})`);
    log(`producer  mqkit publish (5,000/call):     ${fmt(median(ours))} records/s (${range(ours)})   ratio ${putRatio.toFixed(2)}   target ≥ ${PRODUCER_RATIO}   ${putRatio >= PRODUCER_RATIO ? 'MET' : 'NOT MET'}`);
  }

  async function consumer(): Promise<void> {
    // One pre-filled stream, read by each consumer from TRIM_HORIZON (a new key prefix / table each time).
    const filled = stream('get');
    await freshStream(kinesalite.endpoint, filled, 4);
    await mqkitPut(kinesalite.endpoint, s.redisUrl, prefix, filled, s.n, 200, 5_000);
    const rawGet: number[] = [];
    const ourGet: number[] = [];
    const lifion: number[] = [];
    for (let round = 0; round < s.reps; round++) {
      const order = round % 2 === 0 ? ['raw', 'mqkit', 'lifion'] : ['lifion', 'mqkit', 'raw'];
      for (const who of order) {
        if (who === 'raw') rawGet.push(await rawRead(kinesalite.endpoint, filled, s.n));
        else if (who === 'mqkit') ourGet.push(await mqkitRead(kinesalite.endpoint, s.redisUrl, `${prefix}get${round}:`, filled, s.n, 1_000));
        else lifion.push(await lifionRead(kinesalite.endpoint, dynalite.endpoint, filled, s.n, `g${run}${round}`));
        const last = (who === 'raw' ? rawGet : who === 'mqkit' ? ourGet : lifion).at(-1)!;
        process.stderr.write(`  consumer round ${round + 1}/${s.reps}  ${who.padEnd(6)} ${fmt(last)} records/s\n`);
      }
    }
    const getRatio = median(ourGet) / median(rawGet);
    log(`consumer  raw GetRecords, 4 shards in parallel:  ${fmt(median(rawGet))} records/s (${range(rawGet)})`);
    log(`consumer  mqkit (batchSize 1000, concurrency 4): ${fmt(median(ourGet))} records/s (${range(ourGet)})   ratio ${getRatio.toFixed(2)}   target ≥ ${CONSUMER_RATIO}   ${getRatio >= CONSUMER_RATIO ? 'MET' : 'NOT MET'}`);
    log(`consumer  lifion-kinesis 1.3.3 (dynalite):       ${fmt(median(lifion))} records/s (${range(lifion)})   ratio ${(median(lifion) / median(rawGet)).toFixed(2)}`);
  }

  async function failovers(): Promise<void> {
    for (const [label, leaseMs, target] of [
      ['default (lease 6000 ms)', 6_000, FAILOVER_DEFAULT_MS],
      ['tuned (lease 1500 ms)', 1_500, FAILOVER_TUNED_MS],
    ] as const) {
      const kills: number[] = [];
      const stops: number[] = [];
      for (let i = 0; i < s.failoverReps; i++) {
        const name = stream('fail');
        await freshStream(kinesalite.endpoint, name, 4);
        kills.push((await failover(kinesalite.endpoint, s.redisUrl, `${prefix}f${k}:`, name, leaseMs, 'kill')).ms);
        const other = stream('stop');
        await freshStream(kinesalite.endpoint, other, 4);
        stops.push((await failover(kinesalite.endpoint, s.redisUrl, `${prefix}s${k}:`, other, leaseMs, 'stop')).ms);
        process.stderr.write(`  failover ${label} run ${i + 1}/${s.failoverReps}: SIGKILL ${kills.at(-1)} ms, stop ${stops.at(-1)} ms\n`);
      }
      log(`failover  ${label}: after SIGKILL ${fmt(median(kills))} ms (${range(kills)})   target ≤ ${fmt(target)}   ${Math.max(...kills) <= target ? 'MET' : 'NOT MET'}`);
      log(`hand-off  ${label}: after a graceful stop ${fmt(median(stops))} ms (${range(stops)})   target < ${fmt(HANDOFF_MS)}   ${Math.max(...stops) < HANDOFF_MS ? 'MET' : 'NOT MET'}`);
    }
  }
}
