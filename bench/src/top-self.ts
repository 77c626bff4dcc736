import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * Prints the top self-time functions of a V8 `.cpuprofile` (from `node --cpu-prof`), and with
 * `--total` the top functions by total time (self + callees, each function counted once per sample).
 * Usage: node dist/top-self.js <file.cpuprofile | directory (newest profile)> [rows=25] [--total]
 */
interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function newestProfile(path: string): string {
  if (!statSync(path).isDirectory()) return path;
  const files = readdirSync(path)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(path, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (files[0] === undefined) throw new Error(`no .cpuprofile in ${path}`);
  return files[0];
}

function shortUrl(url: string): string {
  const i = url.lastIndexOf('/node_modules/');
  if (i >= 0) return url.slice(i + 14).replace(/^\.pnpm\/[^/]+\/node_modules\//, '');
  const p = url.indexOf('/packages/');
  return p >= 0 ? url.slice(p + 1) : basename(url);
}

function label(frame: CallFrame): string {
  return `${frame.functionName || '(anonymous)'}  ${frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : ''}`.trim();
}

const args = process.argv.slice(2);
const showTotal = args.includes('--total');
const [target = 'profiles', rowsArg = '25'] = args.filter((a) => a !== '--total');
const rows = Number(rowsArg);
const file = newestProfile(target);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<string, number>();
const total = new Map<string, number>();
let sampled = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]!;
  const node = nodes.get(id);
  const dt = profile.timeDeltas[i] ?? 0;
  if (!node) continue;
  const key = label(node.callFrame);
  self.set(key, (self.get(key) ?? 0) + dt);
  sampled += dt;
  if (showTotal) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = label(nodes.get(at)!.callFrame);
      if (!seen.has(k)) total.set(k, (total.get(k) ?? 0) + dt);
      seen.add(k);
    }
  }
}
const busy = sampled - (self.get('(idle)') ?? 0);
console.log(`${file}: ${(sampled / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms busy (percentages of busy time)`);
const print = (title: string, map: Map<string, number>): void => {
  console.log(`${title} ms  ${title} %  function  location`);
  const skip = new Set(['(idle)', '(root)']);
  for (const [key, us] of [...map.entries()].filter(([k]) => !skip.has(k)).sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    console.log(`${(us / 1000).toFixed(1).padStart(7)}  ${((us / busy) * 100).toFixed(1).padStart(6)}%  ${key}`);
  }
};
print('self', self);
if (showTotal) {
  console.log('');
  print('total', total);
}
