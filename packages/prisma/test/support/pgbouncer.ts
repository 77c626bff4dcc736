// A PgBouncer of the test's own in transaction-pooling mode, in front of the test database.
// Skipped (with the reason) where pgbouncer is not installed (scripts/test.sh installs it).
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { freePort } from '@mqkit/testkit';
import { join } from 'node:path';

const BIN = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((p) => existsSync(p));

export function pgbouncerUnavailable(): string | undefined {
  return BIN === undefined ? 'pgbouncer is not installed (apt-get install -y pgbouncer; scripts/test.sh does it)' : undefined;
}


export class PgBouncer {
  private constructor(
    private readonly process: ChildProcess,
    private readonly dir: string,
    readonly port: number,
  ) {}

  /** Pools `database` on `host:port` in transaction mode; clients connect as `postgres`. */
  static async start(target: { host: string; port: number; database: string }): Promise<PgBouncer> {
    if (BIN === undefined) throw new Error(pgbouncerUnavailable());
    const dir = mkdtempSync(join(tmpdir(), 'mqkit-pgbouncer-'));
    const port = await freePort();
    writeFileSync(join(dir, 'users.txt'), '"postgres" ""\n');
    writeFileSync(
      join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `${target.database} = host=${target.host} port=${target.port} dbname=${target.database}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        `unix_socket_dir = ${dir}`,
        'auth_type = trust',
        `auth_file = ${join(dir, 'users.txt')}`,
        'pool_mode = transaction',
        'max_client_conn = 200',
        'default_pool_size = 10',
        'ignore_startup_parameters = extra_float_digits,options',
        `logfile = ${join(dir, 'pgbouncer.log')}`,
        `pidfile = ${join(dir, 'pgbouncer.pid')}`,
        '',
      ].join('\n'),
    );
    const root = process.getuid?.() === 0;
    if (root) {
      const { uid, gid } = postgresUser();
      chownSync(dir, uid, gid);
    }
    const child = spawn(BIN, [...(root ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], { stdio: 'ignore' });
    const bouncer = new PgBouncer(child, dir, port);
    const end = Date.now() + 10_000;
    for (;;) {
      const ok = await new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
        socket.on('error', () => resolve(false));
      });
      if (ok) return bouncer;
      if (Date.now() > end || child.exitCode !== null) throw new Error(`pgbouncer did not start (exit ${child.exitCode})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    this.process.kill('SIGTERM');
    await new Promise((resolve) => (this.process.exitCode !== null ? resolve(undefined) : this.process.once('exit', resolve)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error('no postgres user to run pgbouncer as');
  return { uid: Number(uid), gid: Number(gid) };
}
