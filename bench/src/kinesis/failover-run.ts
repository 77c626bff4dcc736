import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerProcess, readEvents, until } from '@mqkit/testkit';

const WORKER = join(import.meta.dirname, 'kinesis-worker.js');

export interface FailoverResult {
  /** From the SIGKILL / stop to the last of the departed worker's shards acquired by the survivor. */
  readonly ms: number;
}

/**
 * Two worker processes share a 4-shard stream (2/2); one is SIGKILLed (`kill`) or stopped
 * gracefully (`stop`: release and announce); the time until the other holds all four.
 */
export async function failover(endpoint: string, redisUrl: string, prefix: string, stream: string, leaseMs: number, how: 'kill' | 'stop'): Promise<FailoverResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mqkit-bench-failover-'));
  const env = { QUEUE: stream, KINESIS_ENDPOINT: endpoint, REDIS_URL: redisUrl, PREFIX: prefix, LEASE_MS: String(leaseMs) };
  const workers: WorkerProcess[] = [];
  try {
    workers.push(await WorkerProcess.start(WORKER, { name: 'a', logDir: dir, events: true, env }));
    workers.push(await WorkerProcess.start(WORKER, { name: 'b', logDir: dir, events: true, env }));
    const held = (w: string): number => {
      const mine = new Map<string, boolean>();
      for (const e of readEvents(dir)) {
        if (e.worker !== w || e.kind !== 'shard' || e.resource === undefined) continue;
        if (e.type === 'lease.acquired' || e.type === 'lease.stolen') mine.set(e.resource, true);
        if (e.type === 'lease.lost' || e.type === 'lease.released') mine.set(e.resource, false);
      }
      return [...mine.values()].filter(Boolean).length;
    };
    await until(() => held('a') === 2 && held('b') === 2, 60_000, 'a 2/2 split');
    const at = Date.now();
    if (how === 'kill') await workers[0]!.kill();
    else await workers[0]!.stop(10_000);
    await until(() => held('b') === 4, 60_000, 'b takes over');
    const last = Math.max(...readEvents(dir).filter((e) => e.worker === 'b' && e.kind === 'shard' && e.type === 'lease.acquired' && e.at >= at).map((e) => e.at));
    return { ms: last - at };
  } finally {
    await Promise.all(workers.map((w) => w.kill()));
    rmSync(dir, { recursive: true, force: true });
  }
}
