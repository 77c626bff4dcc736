#!/usr/bin/env node
// Circular-import check: runs madge over every packages/*/src (TypeScript, resolved with the
// package's own tsconfig.json, so NodeNext `./x.js` specifiers map to `./x.ts`).
//
//   node scripts/check-cycles.mjs [--skip-type-imports] [package-dir ...]
//
// Exits 1 listing each cycle (and 2 if madge itself fails); prints
// `no circular imports in N packages` otherwise. Type-only imports count by default (a cycle of
// types is still a tangle); pass --skip-type-imports to look at runtime imports only.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import madge from 'madge';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const skipTypeImports = args.includes('--skip-type-imports');
const explicit = args.filter((a) => !a.startsWith('--'));

function packageDirs() {
  if (explicit.length > 0) return explicit.map((d) => join(process.cwd(), d));
  const parent = join(root, 'packages');
  return readdirSync(parent)
    .map((name) => join(parent, name))
    .filter((dir) => statSync(dir).isDirectory())
    .sort();
}

function hasTsFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (hasTsFiles(join(dir, entry.name))) return true;
    } else if (/\.(c|m)?tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      return true;
    }
  }
  return false;
}

const cycles = [];
let checked = 0;
for (const dir of packageDirs()) {
  const rel = relative(root, dir);
  const name = rel.startsWith('..') ? dir : rel;
  const src = join(dir, 'src');
  if (!existsSync(src) || !hasTsFiles(src)) {
    console.log(`skip ${name}: no TypeScript sources in src/`);
    continue;
  }
  const tsConfig = join(dir, 'tsconfig.json');
  let result;
  try {
    result = await madge(src, {
      baseDir: dir,
      fileExtensions: ['ts', 'tsx', 'mts', 'cts'],
      tsConfig: existsSync(tsConfig) ? tsConfig : undefined,
      detectiveOptions: {
        ts: { skipTypeImports },
        tsx: { skipTypeImports },
      },
    });
  } catch (error) {
    console.error(`madge failed on ${name}:`, error);
    process.exit(2);
  }
  checked++;
  const files = Object.keys(result.obj()).length;
  const unresolved = result.warnings().skipped.filter((s) => s.startsWith('.'));
  if (unresolved.length > 0) {
    console.warn(`warning ${name}: could not resolve ${unresolved.join(', ')} (cycles through them go unseen)`);
  }
  const found = result.circular();
  console.log(`${name}: ${files} files, ${found.length === 0 ? 'no cycles' : `${found.length} cycle(s)`}`);
  for (const cycle of found) cycles.push({ name, cycle });
}

if (cycles.length > 0) {
  console.error(`\n${cycles.length} circular import(s):`);
  for (const { name, cycle } of cycles) {
    // madge paths are relative to baseDir (the package); show them from the repo root.
    const chain = [...cycle, cycle[0]].map((f) => `${name}/${f}`);
    console.error(`  ${chain.join(' -> ')}`);
  }
  process.exit(1);
}
console.log(`no circular imports in ${checked} packages`);
