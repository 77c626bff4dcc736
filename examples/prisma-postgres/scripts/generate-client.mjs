// Generates the Prisma client (src/generated/prisma). Offline machines have no schema engine to
// download; `prisma generate` does not need one, and any executable in
// PRISMA_SCHEMA_ENGINE_BINARY lets it run without (the runtime uses @prisma/adapter-pg: no engine).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
execFileSync(join(root, 'node_modules/.bin/prisma'), ['generate', '--schema', join(root, 'prisma/schema.prisma')], {
  cwd: root,
  stdio: process.env.CI ? 'inherit' : 'pipe',
  env: { PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false', PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1', ...process.env },
});
