// Generates the Prisma client the tests use, offline: `node test/support/generate-client.mjs`.
// Run before type-checking, linting and testing (package.json scripts; vitest's global setup).
// `prisma generate` wants a schema engine it would download; any executable in
// PRISMA_SCHEMA_ENGINE_BINARY lets it generate without one (the runtime needs none: it talks to
// Postgres through @prisma/adapter-pg). The schema is test/prisma/schema.prisma plus the models
// users copy (prisma/mqkit.prisma), so this also proves the snippet is a schema Prisma accepts.
// Skipped when nothing changed.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function generateClient() {
  const root = join(import.meta.dirname, '..', '..');
  const schema = readFileSync(join(root, 'test/prisma/schema.prisma'), 'utf8') + '\n' + readFileSync(join(root, 'prisma/mqkit.prisma'), 'utf8');
  const hash = createHash('sha256').update(schema).digest('hex');
  const dir = join(root, 'test/generated');
  const stamp = join(dir, '.schema-hash');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  mkdirSync(join(root, 'test/.prisma'), { recursive: true });
  const file = join(root, 'test/.prisma/schema.prisma');
  writeFileSync(file, schema.replace('output   = "../generated"', `output   = "${dir}"`));
  execFileSync(join(root, 'node_modules/.bin/prisma'), ['generate', '--schema', file], {
    cwd: root,
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/false', PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
    stdio: 'pipe',
  });
  writeFileSync(stamp, hash);
}

if (import.meta.url === `file://${process.argv[1]}`) generateClient();
