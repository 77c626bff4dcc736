import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectConfiguration } from 'vitest/config';

/**
 * One Vitest run over every workspace package: `pnpm test` (after `pnpm build`).
 *
 * Each packages/<name> is a project named after its package.json name. Tests live in
 * packages/<name>/test/**\/*.test.ts and import workspace packages by name (`@mqkit/core`), which
 * resolve through node_modules and the package's `exports` to its built dist/ — hence build first.
 *
 * A package without its own vitest.config.* inherits everything below (`extends: true`). A package
 * with one is loaded from that file (its settings win), named and rooted here, and given the
 * 20 s test timeout unless its config sets `testTimeout` itself.
 */
const TEST_TIMEOUT_MS = 20_000;

const repoRoot = fileURLToPath(new URL('.', import.meta.url));
const packagesDir = join(repoRoot, 'packages');
const CONFIG_RE = /^(vitest|vite)\.config\.(ts|mts|cts|js|mjs|cjs)$/;

/**
 * `pnpm test` inside packages/<name> (its own `vitest run`) finds this config by walking up; it
 * then runs that package's project only, as a contributor working on one package expects.
 */
function ownPackage(): string | undefined {
  const rel = relative(packagesDir, process.cwd());
  if (rel === '' || rel.startsWith('..')) return undefined;
  return rel.split(/[\\/]/)[0];
}

function packageProjects(): TestProjectConfiguration[] {
  const projects: TestProjectConfiguration[] = [];
  const only = ownPackage();
  for (const entry of readdirSync(packagesDir).sort()) {
    if (only !== undefined && entry !== only) continue;
    const dir = join(packagesDir, entry);
    const manifest = join(dir, 'package.json');
    if (!statSync(dir).isDirectory() || !existsSync(manifest)) continue;
    const { name = entry } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
    const own = readdirSync(dir).find((file) => CONFIG_RE.test(file));
    if (own === undefined) {
      projects.push({
        extends: true,
        root: dir,
        test: { name, include: ['test/**/*.test.ts'] },
      });
    } else {
      const configPath = join(dir, own);
      const setsTimeout = /\btestTimeout\b/.test(readFileSync(configPath, 'utf8'));
      projects.push({
        extends: `./${relative(repoRoot, configPath)}`,
        root: dir,
        test: { name, ...(setsTimeout ? {} : { testTimeout: TEST_TIMEOUT_MS }) },
      });
    }
  }
  return projects;
}

/** CI mode lists every test by name, skipped ones included (their names carry the skip reason). */
const ci = !['', '0', 'false'].includes((process.env.CI ?? '').toLowerCase());

export default defineConfig({
  test: {
    testTimeout: TEST_TIMEOUT_MS,
    include: ['test/**/*.test.ts'],
    reporters: [ci ? 'verbose' : 'default', join(repoRoot, 'scripts/vitest-summary-reporter.ts')],
    projects: packageProjects(),
  },
});
