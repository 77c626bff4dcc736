import type { Options } from 'tsup';

/** The build every published package shares: ESM + CJS + bundled .d.ts, Node 20 target. */
export const base: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
  treeshake: true,
};
