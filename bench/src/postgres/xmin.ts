import pg from 'pg';
import { formatRate } from '../table.js';
import { DATABASE_URL, admin } from './pg-admin.js';
import type { PgSystem } from './system.js';

/**
 * A steady load (publish 2,000 jobs every 100 ms, consumers draining) for 90 s; from second 15 to
 * second 75 another session holds a REPEATABLE READ transaction open, pinning xmin so vacuum can
 * remove no dead row versions. Prints the processed rate and the hot table's dead tuples per 5 s.
 */
export async function pinnedXmin(system: PgSystem): Promise<void> {
  await system.setup();
  let processed = 0;
  await system.startWorkers(() => void processed++);
  const pin = new pg.Client({ connectionString: DATABASE_URL });
  await pin.connect();
  let seq = 0;
  let running = true;
  const producer = (async () => {
    while (running) {
      await system.publish(2_000, 1_000).catch(() => undefined);
      seq += 2_000;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const started = Date.now();
  let last = 0;
  let pinned = false;
  for (let t = 5; t <= 90; t += 5) {
    await new Promise((resolve) => setTimeout(resolve, started + t * 1_000 - Date.now()));
    if (t === 15) {
      await pin.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await pin.query('SELECT count(*) FROM pg_class'); // takes the snapshot
      pinned = true;
    }
    if (t === 75) {
      await pin.query('COMMIT');
      pinned = false;
    }
    const [row] = await admin<{ dead: string; live: string }>(`SELECT n_dead_tup AS dead, n_live_tup AS live FROM pg_stat_user_tables WHERE schemaname = 'bench_mqkit' AND relname = 'messages'`);
    const rate = ((processed - last) / 5) | 0;
    last = processed;
    console.log(`  t=${String(t).padStart(2)} s  ${pinned ? 'xmin pinned' : '           '}  processed ${formatRate(rate)} jobs/s   hot table: ${row?.live ?? '?'} live, ${row?.dead ?? '?'} dead row versions`);
  }
  running = false;
  await producer;
  await pin.end();
  await system.stopWorkers();
  await system.teardown();
  void seq;
}
