// Faults of the server and the network, on a Postgres of the test's own: the server restarted
// twice (once cleanly, once crashing) during a 10,000-message run; a half-open connection (a proxy
// that stops forwarding without closing) detected and recovered; the LISTEN connection killed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy, readDeliveries, until } from '@mqkit/testkit';
import { OwnPostgres, ownPostgresUnavailable } from '../support/own-postgres.js';
import { faultRun, type FaultRun } from './fault-run.js';

const unavailable = ownPostgresUnavailable();

describe.skipIf(unavailable !== undefined)(`server and network faults${unavailable ? ` — skipped: ${unavailable}` : ''}`, () => {
  let server: OwnPostgres;
  beforeAll(async () => {
    server = await OwnPostgres.start();
  }, 60_000);
  afterAll(async () => {
    await server?.destroy();
  });

  it('the server restarted twice during a 10,000-message run (a clean restart, then a crash): 0 lost, duplicates counted', { timeout: 240_000 }, async () => {
    const run: FaultRun = await faultRun(server.url, 'restarts', 'jobs');
    try {
      await Promise.all(['a', 'b', 'c'].map((name) => run.startWorker(name, { BATCH_SIZE: '50', CONCURRENCY: '2', LEASE_MS: '3000', QUERY_TIMEOUT_MS: '3000' })));
      const recoveries: number[] = [];
      const restarting: Array<Promise<void>> = [];
      // The restarts run while the publisher keeps going (its batches fail and are sent again
      // while the server is down); recovery is the time from the server being up again to the
      // first ack after it.
      const restart = async (mode: 'fast' | 'immediate'): Promise<void> => {
        await server.restart(mode, 500);
        const upAt = Date.now();
        await until(() => readDeliveries(run.logDir).some((d) => d.acked === true && d.at >= upAt), 60_000, 'an ack after the restart');
        recoveries.push(Math.min(...readDeliveries(run.logDir).filter((d) => d.acked === true && d.at >= upAt).map((d) => d.at)) - upAt);
      };
      await run.publish(10_000, {
        batch: 250,
        onBatch: (sent) => {
          if (sent === 3_000) restarting.push(restart('fast'));
          if (sent === 7_000) restarting.push(Promise.all(restarting).then(() => restart('immediate')));
        },
      });
      await Promise.all(restarting);
      const restarts = recoveries.length;
      const report = await run.waitAllDelivered(120_000);
      expect(restarts).toBe(2);
      expect(report.neverProcessed, 'nothing lost').toEqual([]);
      expect(report.unknown).toEqual([]);
      console.log(`[restarts] sent ${report.sent}, lost 0, duplicates ${report.duplicates}, acks whose answer was lost ${report.missing.length}, recovered after ${recoveries.join(' ms, ')} ms`);
    } finally {
      await run.close();
    }
  });

  it('a half-open connection (the proxy swallows everything, no FIN, no RST) is detected and replaced: consumption resumes, nothing lost', { timeout: 120_000 }, async () => {
    const proxy = await TcpProxy.start(server.port);
    const viaProxy = server.url.replace(`:${server.port}/`, `:${proxy.port}/`);
    const run = await faultRun(server.url, 'halfopen', 'jobs', viaProxy);
    try {
      await run.startWorker('w', { BATCH_SIZE: '20', CONCURRENCY: '2', LEASE_MS: '3000', QUERY_TIMEOUT_MS: '1000' });
      await run.publish(500, { batch: 100 });
      await until(() => run.report().acked >= 100, 30_000, 'consuming through the proxy');
      proxy.blackhole(); // every connection open now goes silent: the pool's and the LISTEN one
      const silentAt = Date.now();
      await run.publish(500, { batch: 100 }); // published directly, not through the proxy
      const report = await run.waitAllDelivered(60_000);
      expect(report.neverProcessed).toEqual([]);
      const after = readDeliveries(run.logDir).filter((d) => d.acked === true && d.at > silentAt);
      console.log(`[half-open] recovered in ${Math.min(...after.map((d) => d.at)) - silentAt} ms, duplicates ${report.duplicates}`);
    } finally {
      await run.close();
      await proxy.close();
    }
  });
});
