// Flags, help, config files and unreachable servers: what an operator sees before any backend work.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { json, mqkit } from './support/mqkit.js';

// Inside the package, so a config module resolves @mqkit/* as an application's would.
const dir = mkdtempSync(join(import.meta.dirname, '.config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mqkit usage', () => {
  it('--help lists the commands and the exit codes, and exits 0', async () => {
    const r = await mqkit(['--help']);
    expect(r.code).toBe(0);
    for (const word of ['kinesis', 'dlq', 'stats', 'completion', 'Exit codes: 0 ok']) expect(r.stdout).toContain(word);
  });

  it('an unknown flag is a usage error (exit 2) that names it', async () => {
    const r = await mqkit(['stats', '--queue', 'q', '--bogus-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown arguments?: bogus-flag/);
  });

  it('a missing required flag is a usage error (exit 2)', async () => {
    const r = await mqkit(['dlq', 'list']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Missing required argument: queue/);
  });

  it('no connection at all says which flags or variables to give (exit 2)', async () => {
    const r = await mqkit(['stats', '--queue', 'q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--config FILE.*--postgres-url URL.*--redis-url URL/);
  });

  it('an unreachable Postgres is exit 3, naming the URL (password hidden) and what to check', async () => {
    const r = await mqkit(['stats', '--queue', 'q', '--postgres-url', 'postgresql://postgres:secret@127.0.0.1:1/test']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot reach Postgres at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test/);
    expect(r.stderr).not.toContain('secret');
  });

  it('an unreachable Redis is exit 3', async () => {
    const r = await mqkit(['kinesis', 'status', '--stream', 's', '--redis-url', 'redis://127.0.0.1:1']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
  });

  it('a config module (a function returning a promise of a QueueConfig) is used, from --config or MQKIT_CONFIG', async () => {
    const file = join(dir, 'mqkit.config.mjs');
    writeFileSync(file, "import { memory } from '@mqkit/memory';\nexport default async () => ({ provider: memory() });\n");
    const viaFlag = await mqkit(['stats', '--queue', 'jobs', '--json', '--config', file], {}, 30_000);
    expect(viaFlag.code, viaFlag.stderr).toBe(0);
    expect(json(viaFlag)).toMatchObject({ queue: 'jobs', ready: 0, inFlight: 0, deadLettered: 0 });
    const viaEnv = await mqkit(['stats', '--queue', 'jobs', '--json'], { MQKIT_CONFIG: file });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
  });

  it('a config module that exports no QueueConfig is a usage error (exit 2)', async () => {
    const file = join(dir, 'bad.config.mjs');
    writeFileSync(file, 'export default 42;\n');
    const r = await mqkit(['stats', '--queue', 'jobs', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/must export default a QueueConfig/);
  });
});
