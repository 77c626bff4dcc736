// A Postgres server of the test's own (initdb + pg_ctl, as the postgres user when we are root), on a
// free port, to stop, crash and restart while consumers run. Skipped (with the reason) where the
// server binaries are not installed.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { freePort } from '@mqkit/testkit';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'pg_ctl'))) return join(root, v, 'bin');
  return undefined;
}

/** Why an own server cannot be had here, or undefined when it can. */
export function ownPostgresUnavailable(): string | undefined {
  if (binDir() === undefined) return 'no Postgres server binaries under /usr/lib/postgresql (install postgresql)';
  return undefined;
}


export class OwnPostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
    private readonly uid: { uid: number; gid: number } | undefined,
  ) {}

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** A new cluster, started. fsync off: these tests crash the server process, not the machine. */
  static async start(): Promise<OwnPostgres> {
    const bin = binDir();
    if (bin === undefined) throw new Error(ownPostgresUnavailable());
    const dir = mkdtempSync(join(tmpdir(), 'mqkit-pg-'));
    let uid: { uid: number; gid: number } | undefined;
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: g } = await run('id', ['-g', 'postgres']);
      uid = { uid: Number(stdout.trim()), gid: Number(g.trim()) };
      chownSync(dir, uid.uid, uid.gid);
    }
    const server = new OwnPostgres(dir, await freePort(), bin, uid);
    await server.#as('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`;
    await this.#as('pg_ctl', ['-D', join(this.dir, 'data'), '-l', join(this.dir, 'log'), '-o', options, '-w', '-t', '60', 'start']);
  }

  /** `fast`: a clean shutdown (sessions are terminated); `immediate`: the server process crashes (WAL replay on start). */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.#as('pg_ctl', ['-D', join(this.dir, 'data'), '-m', mode, '-w', '-t', '60', 'stop']);
  }

  async restart(mode: 'fast' | 'immediate' = 'fast', downMs = 0): Promise<void> {
    await this.stop(mode);
    if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.start();
  }

  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #as(tool: string, args: string[]): Promise<void> {
    const path = join(this.bin, tool);
    if (this.uid === undefined) await run(path, args);
    else await run('runuser', ['-u', 'postgres', '--', path, ...args]);
  }
}
