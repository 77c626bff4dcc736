// The long run (`pnpm soak`, MQKIT_SOAK_MINUTES, default 20 there; skipped in CI): three consumer
// processes on a Postgres of the test's own, a steady publisher, and a fault every minute in turn —
// a worker SIGKILLed (and replaced), a worker frozen past its lease (SIGSTOP, then SIGCONT), the
// server restarted (clean, then crashing), every connection made half-open. Every 30 s it samples
// throughput, duplicates, the workers' heap and event-loop delay; it ends with that table and the
// oracle: every message published was processed, none is left in the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy, until, type WorkerHealth, type WorkerProcess } from '@mqkit/testkit';
import { OwnPostgres, ownPostgresUnavailable } from './support/own-postgres.js';
import { faultRun, type FaultRun } from './faults/fault-run.js';

const minutes = Number(process.env.MQKIT_SOAK_MINUTES ?? 0);
const unavailable = minutes <= 0 ? 'set MQKIT_SOAK_MINUTES (pnpm soak does) to run the soak' : ownPostgresUnavailable();

type Fault = 'kill' | 'freeze' | 'restart' | 'crash' | 'half-open';
const FAULTS: readonly Fault[] = ['kill', 'freeze', 'restart', 'half-open', 'crash'];

describe.skipIf(unavailable !== undefined)(`soak${unavailable ? ` — skipped: ${unavailable}` : ''}`, () => {
  let server: OwnPostgres;
  let proxy: TcpProxy;
  beforeAll(async () => {
    server = await OwnPostgres.start();
    proxy = await TcpProxy.start(server.port);
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await server?.destroy();
  });

  it(`survives ${minutes} minutes of faults: nothing lost, duplicates bounded, heap and event loop steady`, { timeout: (minutes + 5) * 60_000 }, async () => {
    const viaProxy = server.url.replace(`:${server.port}/`, `:${proxy.port}/`);
    const run: FaultRun = await faultRun(server.url, 'soak', 'jobs', viaProxy);
    const env = { BATCH_SIZE: '50', CONCURRENCY: '2', LEASE_MS: '3000', QUERY_TIMEOUT_MS: '2000' };
    const workers = new Map<string, WorkerProcess>();
    let generation = 0;
    const spawn = async (slot: string): Promise<void> => {
      workers.set(slot, await run.startWorker(`${slot}-${++generation}`, env));
    };
    try {
      for (const slot of ['a', 'b', 'c']) await spawn(slot);
      const end = Date.now() + minutes * 60_000;
      let publishing = true;
      const publisher = (async () => {
        while (publishing) {
          // A steady offer, bounded: at most 20,000 published and not yet acked.
          if (run.published.length - run.report().acked < 20_000) await run.publish(500, { batch: 250 });
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      })();
      const samples: string[] = [];
      const faults: string[] = [];
      let lastAcked = 0;
      let lastAt = Date.now();
      let nextFault = Date.now() + 60_000;
      let faultIndex = 0;
      while (Date.now() < end) {
        await new Promise((resolve) => setTimeout(resolve, 30_000));
        const report = run.report();
        const health = (await Promise.all([...workers.values()].map((w) => w.health()))).filter((h): h is WorkerHealth => h !== undefined);
        const now = Date.now();
        const rate = ((report.acked - lastAcked) / (now - lastAt)) * 1_000;
        lastAcked = report.acked;
        lastAt = now;
        const heap = health.map((h) => h.heapUsedMb.toFixed(0)).join('/');
        const loop = Math.max(0, ...health.map((h) => h.loopP99Ms)).toFixed(1);
        samples.push(`${new Date(now).toISOString().slice(11, 19)}  published ${report.sent}  acked ${report.acked}  ${rate.toFixed(0)}/s  duplicates ${report.duplicates}  heap MB ${heap}  loop p99 ${loop} ms`);
        console.log(`[soak] ${samples.at(-1)}`);
        if (now >= nextFault) {
          const fault = FAULTS[faultIndex++ % FAULTS.length]!;
          const slot = ['a', 'b', 'c'][faultIndex % 3]!;
          const started = Date.now();
          if (fault === 'kill') {
            await workers.get(slot)!.kill('SIGKILL');
            await spawn(slot);
          } else if (fault === 'freeze') {
            workers.get(slot)!.freeze();
            await new Promise((resolve) => setTimeout(resolve, 8_000)); // past two leases
            workers.get(slot)!.thaw();
          } else if (fault === 'restart' || fault === 'crash') {
            await server.restart(fault === 'restart' ? 'fast' : 'immediate', 1_000);
          } else {
            proxy.blackhole();
          }
          const before = run.report().acked;
          await until(() => run.report().acked > before, 120_000, `consumption resumes after ${fault}`);
          faults.push(`${fault}${fault === 'kill' || fault === 'freeze' ? ` ${slot}` : ''}: resumed ${Date.now() - started} ms after it began`);
          console.log(`[soak] fault ${faults.at(-1)}`);
          nextFault = Date.now() + 60_000;
        }
      }
      publishing = false;
      await publisher;
      const report = await run.waitAllDelivered(300_000);
      console.log(['[soak] summary', ...samples.map((s) => `  ${s}`), '  faults:', ...faults.map((f) => `    ${f}`), `  sent ${report.sent}, lost 0, duplicates ${report.duplicates} (${((report.duplicates / report.sent) * 100).toFixed(2)} %)`].join('\n'));
      expect(report.neverProcessed).toEqual([]);
    } finally {
      await run.close();
    }
  });
});
