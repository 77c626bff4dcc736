// A redis-server of the test's own, on a free port, that a test can kill and start again (with
// its append-only file, so what was acknowledged survives, as on a server with persistence).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@mqkit/testkit';
import { Redis } from 'ioredis';

/** Waits until a redis-server on `port` answers PING (up to about 5 s). */
export async function waitForRedis(port: number): Promise<void> {
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 20, maxRetriesPerRequest: 0 });
  probe.on('error', () => undefined);
  try {
    for (let i = 0; i < 200; i++) {
      try {
        await probe.connect().catch(() => undefined);
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
  } finally {
    probe.disconnect();
  }
}

export class OwnRedis {
  #child: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'mqkit-redis-'));

  private constructor(
    readonly port: number,
    readonly persistent: boolean,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(persistent = true): Promise<OwnRedis> {
    const r = new OwnRedis(await freePort(), persistent);
    await r.up();
    return r;
  }

  async up(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', ...(this.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'])];
    this.#child = spawn('redis-server', args, { stdio: 'ignore' });
    await waitForRedis(this.port);
  }

  /** SIGKILL: no shutdown, no final save beyond what the AOF already has. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
