// A three-node Redis Cluster of the test's own (redis-server --cluster-enabled, no replicas), on
// free ports, torn down afterwards.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@mqkit/testkit';
import { Cluster } from 'ioredis';
import { waitForRedis } from './redis-server.js';

const run = promisify(execFile);

export class OwnCluster {
  readonly #children: ChildProcess[] = [];
  readonly dir = mkdtempSync(join(tmpdir(), 'mqkit-cluster-'));
  readonly ports: number[] = [];

  static async start(nodes = 3): Promise<OwnCluster> {
    const c = new OwnCluster();
    for (let i = 0; i < nodes; i++) {
      const port = await freePort();
      c.ports.push(port);
      c.#children.push(
        spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', join(c.dir, `nodes-${port}.conf`), '--dir', c.dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }),
      );
    }
    for (const port of c.ports) await waitForRedis(port);
    await run('redis-cli', ['--cluster', 'create', ...c.ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    // Wait until every node agrees the cluster is up.
    for (const port of c.ports) {
      for (let i = 0; i < 200; i++) {
        const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
        if (stdout.includes('cluster_state:ok')) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    return c;
  }

  client(): Cluster {
    return new Cluster(this.ports.map((port) => ({ host: '127.0.0.1', port })));
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.#children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}
