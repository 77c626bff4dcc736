#!/usr/bin/env node
// Packaging test: what we publish works for a consumer that is not in this workspace.
//
//   node scripts/pack-check.mjs [--keep] [package ...]      (package: `@mqkit/core` or `core`)
//
// For every non-private package under packages/ (or the ones named):
//   1. `pnpm pack` it into a temp dir (pnpm rewrites `workspace:^` to real versions) and check the
//      tarball: no `workspace:` specifier left, every file `exports`/`main`/`types` names is inside.
//   2. Create a scratch app in os.tmpdir() (outside the workspace) and `npm install` all tarballs
//      together. `overrides` pin every @mqkit/* package to its local tarball and the app's .npmrc
//      points the @mqkit scope at an unreachable registry, so npm can never fetch @mqkit/* from the
//      network (it fails loudly instead).
//   3. Per package: (a) ESM `import` exposes the names in EXPECTED_EXPORTS, (b) so does CJS
//      `require()`, (d) with core + memory: a publish/consume round trip through ESM and CJS,
//      (e) every `bin` of a package runs `--help` from the installed tarball.
//   4. (c) Type-check a consumer (.mts and .cts) that augments `QueueRegistry` from the published
//      .d.ts/.d.cts with the workspace's own tsc (--module nodenext --strict --noEmit), including a
//      `@ts-expect-error` on a wrong payload, so the augmentation is proven to take effect.
// A package without dist/ is reported as FAIL (run `pnpm build` first). Prints PASS/FAIL per check,
// exits 1 if any check failed. Temp dirs are removed unless --keep.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const tsc = join(root, 'node_modules', '.bin', 'tsc');

/** Names each package must export (ESM and CJS). Packages not listed must export something. */
const EXPECTED_EXPORTS = {
  '@mqkit/core': ['createQueue', 'PermanentError', 'ack', 'Lifecycle'],
  '@mqkit/memory': ['memory', 'MemoryBroker'],
  '@mqkit/mongodb': ['mongodb', 'MongoProvider', 'ensureIndexes', 'missingIndexes', 'INDEXES'],
  '@mqkit/testkit': ['runQueueConformance'],
  '@mqkit/prometheus': ['prometheusMetrics', 'PrometheusMetrics', 'allFamilyNames'],
  '@mqkit/prisma': ['prisma', 'PrismaProvider', 'migrate', 'migrationSql', 'SCHEMA_VERSION'],
  '@mqkit/kinesis': ['kinesis', 'KinesisProvider', 'kinesisRecordOf', 'PartialPublishError', 'envelopeCodec', 'aggregate', 'kinesisAdmin'],
  '@mqkit/cli': ['run', 'ExitCode'],
};

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const only = args.filter((a) => !a.startsWith('--'));

// ---------------------------------------------------------------------------------------------
// Reporting

const results = [];
function record(ok, check, detail = '') {
  results.push({ ok, check });
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${check}${detail ? `  — ${detail}` : ''}`);
}
/** A check that does not apply to the packages selected on the command line. */
function skip(check, detail) {
  console.log(`SKIP  ${check}  — ${detail}`);
}
function indent(text, lines = 40) {
  const all = text.trim().split('\n');
  const shown = all.length > lines ? ['…', ...all.slice(-lines)] : all;
  return shown.map((l) => `      ${l}`).join('\n');
}
function run(cmd, cmdArgs, options = {}) {
  const result = spawnSync(cmd, cmdArgs, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
  return { ok: result.status === 0 && !result.error, output };
}
/** Records a check from a command; prints the command's output when it fails. */
function check(name, cmd, cmdArgs, options) {
  const { ok, output } = run(cmd, cmdArgs, options);
  record(ok, name);
  if (!ok) console.log(indent(output));
  return ok;
}

/** pnpm, as the script was started (`pnpm test:pack` sets npm_execpath) or from PATH. */
function pnpm(pnpmArgs, options) {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath) && /\.c?js$/.test(execPath)) {
    return run(process.execPath, [execPath, ...pnpmArgs], options);
  }
  return run('pnpm', pnpmArgs, options);
}

// ---------------------------------------------------------------------------------------------
// Which packages

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Every file a manifest's entry points name (exports conditions, main, module, types). */
function entryFiles(manifest) {
  const files = new Set();
  const visit = (value) => {
    if (typeof value === 'string') {
      if (value.startsWith('./') && !value.includes('*') && value !== './package.json') files.add(value.slice(2));
    } else if (value && typeof value === 'object') {
      Object.values(value).forEach(visit);
    }
  };
  visit(manifest.exports);
  for (const field of ['main', 'module', 'types']) if (typeof manifest[field] === 'string') visit(`./${manifest[field].replace(/^\.\//, '')}`);
  return [...files].sort();
}

const packages = readdirSync(join(root, 'packages'))
  .map((entry) => join(root, 'packages', entry))
  .filter((dir) => statSync(dir).isDirectory() && existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: readJson(join(dir, 'package.json')) }))
  .filter(({ manifest }) => !manifest.private)
  .filter(({ dir, manifest }) => only.length === 0 || only.some((o) => o === manifest.name || o === dir.split('/').pop()));

if (packages.length === 0) {
  console.error(`pack-check: no publishable package matches ${only.join(', ') || 'packages/*'}`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'mqkit-pack-check-'));
const cleanup = () => {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
};
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

try {
  main();
} finally {
  cleanup();
}

function main() {
  const tarballDir = join(work, 'tarballs');
  const app = join(work, 'app');
  mkdirSync(tarballDir);
  mkdirSync(app);

  // -------------------------------------------------------------------------------------------
  // 1. dist present + pack + tarball contents
  console.log(`pack-check: ${packages.map((p) => p.manifest.name).join(', ')}  (work dir ${work})\n`);
  const packed = new Map(); // name -> tarball path
  for (const { dir, manifest } of packages) {
    const name = manifest.name;
    const missing = entryFiles(manifest).filter((f) => !existsSync(join(dir, f)));
    if (!existsSync(join(dir, 'dist'))) {
      record(false, `${name}: dist/ exists`, `${dir}/dist is missing — run \`pnpm build\` first`);
      continue;
    }
    if (missing.length > 0) {
      record(false, `${name}: dist/ complete`, `missing ${missing.join(', ')} — run \`pnpm build\``);
      continue;
    }
    const before = new Set(readdirSync(tarballDir));
    const packResult = pnpm(['pack', '--pack-destination', tarballDir], { cwd: dir });
    const created = readdirSync(tarballDir).filter((f) => f.endsWith('.tgz') && !before.has(f));
    if (!packResult.ok || created.length !== 1) {
      record(false, `${name}: pnpm pack`);
      console.log(indent(packResult.output));
      continue;
    }
    const tarball = join(tarballDir, created[0]);
    record(true, `${name}: pnpm pack`, created[0]);

    const packedManifest = run('tar', ['-xzOf', tarball, 'package/package.json']);
    const listing = run('tar', ['-tzf', tarball]);
    const inTarball = new Set(listing.output.split('\n').map((l) => l.trim().replace(/^package\//, '')));
    const absent = entryFiles(manifest).filter((f) => !inTarball.has(f));
    const leftover = packedManifest.ok && /"workspace:/.test(packedManifest.output);
    const ok = packedManifest.ok && listing.ok && absent.length === 0 && !leftover;
    record(
      ok,
      `${name}: tarball manifest and entry files`,
      leftover ? 'a `workspace:` specifier was not rewritten' : absent.length ? `not in tarball: ${absent.join(', ')}` : '',
    );
    if (ok) packed.set(name, tarball);
  }

  // Packages whose @mqkit/* dependencies were not packed cannot be installed.
  for (const { manifest } of packages) {
    if (!packed.has(manifest.name)) continue;
    const deps = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).filter((d) => d.startsWith('@mqkit/'));
    const unpacked = deps.filter((d) => !packed.has(d));
    if (unpacked.length > 0) {
      record(false, `${manifest.name}: workspace dependencies packed`, `needs ${unpacked.join(', ')} (not packed: no dist, or not selected)`);
      packed.delete(manifest.name);
    }
  }
  if (packed.size === 0) return;

  // -------------------------------------------------------------------------------------------
  // 2. scratch app outside the workspace, npm install of all tarballs together
  const specs = Object.fromEntries([...packed].map(([name, tarball]) => [name, `file:${tarball}`]));
  writeFileSync(
    join(app, 'package.json'),
    `${JSON.stringify({ name: 'mqkit-pack-check-app', version: '0.0.0', private: true, dependencies: specs, overrides: specs }, null, 2)}\n`,
  );
  // Any attempt to fetch @mqkit/* from a registry fails at once instead of reaching npmjs.org.
  writeFileSync(join(app, '.npmrc'), '@mqkit:registry=http://127.0.0.1:9/\n');
  const installed = check('npm install of all tarballs (outside the workspace)', 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: app,
  });
  if (!installed) return;

  // -------------------------------------------------------------------------------------------
  // 3. (a) ESM and (b) CJS entry points, then (d) a round trip through each
  for (const name of packed.keys()) {
    const expected = JSON.stringify(EXPECTED_EXPORTS[name] ?? []);
    const assertExports = `
      const expected = ${expected};
      const names = Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule');
      const missing = expected.filter((n) => m[n] === undefined);
      if (missing.length > 0) { console.error('missing exports: ' + missing.join(', ') + '\\nexported: ' + names.join(', ')); process.exit(1); }
      if (names.length === 0) { console.error('no exports at all'); process.exit(1); }`;
    check(`${name}: ESM import exposes ${expected}`, process.execPath, [
      '--input-type=module',
      '-e',
      `import * as m from '${name}';${assertExports}`,
    ], { cwd: app });
    check(`${name}: CJS require() exposes ${expected}`, process.execPath, [
      '--input-type=commonjs',
      '-e',
      `const m = require('${name}');${assertExports}`,
    ], { cwd: app });
  }

  // (e) Every declared binary runs from the installed tarball (npm linked it into node_modules/.bin).
  for (const { manifest } of packages) {
    if (!packed.has(manifest.name) || typeof manifest.bin !== 'object') continue;
    for (const bin of Object.keys(manifest.bin)) {
      check(`${manifest.name}: \`${bin} --help\` runs from the installed package`, join(app, 'node_modules', '.bin', bin), ['--help'], { cwd: app });
    }
  }

  const roundTrip = (load) => `
    ${load}
    const queue = await createQueue({ provider: memory() });
    try {
      const received = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message within 10 s')), 10_000);
        queue.consume('pack-check', (messages) => {
          clearTimeout(timer);
          resolve(messages.map((m) => m.payload));
        });
      });
      const { ids } = await queue.publish('pack-check', { payload: { orderId: 'a' } });
      const payloads = await received;
      if (ids.length !== 1 || JSON.stringify(payloads) !== JSON.stringify([{ orderId: 'a' }])) {
        throw new Error('round trip got ' + JSON.stringify({ ids, payloads }));
      }
    } finally {
      await queue.close({ timeoutMs: 5_000 });
    }`;
  if (packed.has('@mqkit/core') && packed.has('@mqkit/memory')) {
    check('round trip (ESM): createQueue + memory(), consume, publish, receive, close', process.execPath, [
      '--input-type=module',
      '-e',
      roundTrip(`import { createQueue } from '@mqkit/core';\n    import { memory } from '@mqkit/memory';`),
    ], { cwd: app });
    check('round trip (CJS): createQueue + memory(), consume, publish, receive, close', process.execPath, [
      '--input-type=commonjs',
      '-e',
      `(async () => {${roundTrip(`const { createQueue } = require('@mqkit/core');\n    const { memory } = require('@mqkit/memory');`)}
      })().catch((error) => { console.error(error); process.exit(1); });`,
    ], { cwd: app });
  } else {
    notPacked('round trip (ESM/CJS)', ['@mqkit/core', '@mqkit/memory']);
  }

  // -------------------------------------------------------------------------------------------
  // 4. (c) types from the published .d.ts / .d.cts, QueueRegistry augmentation
  if (!existsSync(tsc)) {
    record(false, 'type-check consumer', `${tsc} not found — run pnpm install at the repo root`);
    return;
  }
  const withMemory = packed.has('@mqkit/memory');
  const consumer = `import { createQueue, type Queue } from '@mqkit/core';
${withMemory ? "import { memory } from '@mqkit/memory';" : "import type { QueueProvider } from '@mqkit/core';\ndeclare const memory: () => QueueProvider;"}

declare module '@mqkit/core' {
  interface QueueRegistry {
    orders: { orderId: string };
  }
}

export async function main(): Promise<void> {
  const queue: Queue = await createQueue({ provider: memory() });
  queue.consume('orders', (messages) => {
    const orderId: string = messages[0]!.payload.orderId;
    void orderId;
  });
  await queue.publish('orders', { payload: { orderId: 'a' } });
  // @ts-expect-error -- the registry says orders carry { orderId: string }
  await queue.publish('orders', { payload: { orderId: 42 } });
  // @ts-expect-error -- once the registry has entries, unregistered queue names are rejected
  await queue.publish('not-registered', { payload: {} });
  await queue.close();
}
`;
  const typesDir = join(app, 'types');
  mkdirSync(typesDir);
  for (const ext of ['mts', 'cts']) {
    const file = join(typesDir, `consumer.${ext}`);
    writeFileSync(file, consumer);
    check(`types (${ext === 'mts' ? 'ESM .mts -> .d.ts' : 'CJS .cts -> .d.cts'}): QueueRegistry augmentation from core${withMemory ? ' + memory' : ''}`, tsc, [
      '--module', 'nodenext',
      '--moduleResolution', 'nodenext',
      '--target', 'es2022',
      '--strict',
      '--noEmit',
      '--noUncheckedIndexedAccess',
      '--typeRoots', join(root, 'node_modules', '@types'),
      '--types', 'node',
      file,
    ], { cwd: app });
  }
  if (!withMemory) notPacked('types with @mqkit/memory (a stand-in provider was used above)', ['@mqkit/memory']);
}

/** A check needing packages that were not packed: SKIP if they were not selected, FAIL otherwise. */
function notPacked(name, needs) {
  const selected = (n) => packages.some((p) => p.manifest.name === n);
  const unselected = needs.filter((n) => !selected(n));
  if (unselected.length > 0) skip(name, `${unselected.join(', ')} not selected`);
  else record(false, name, `needs ${needs.join(' and ')} packed (see the failures above)`);
}

// ---------------------------------------------------------------------------------------------
const failed = results.filter((r) => !r.ok);
console.log(`\npack-check: ${results.length - failed.length} passed, ${failed.length} failed`);
if (failed.length > 0) {
  for (const r of failed) console.log(`  FAIL ${r.check}`);
  process.exitCode = 1;
}
