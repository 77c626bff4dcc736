import { defineConfig } from 'tsup';
import { base } from '../../scripts/tsup.base.js';

// Two entries: the library (`run`, for embedding and tests) and the `mqkit` binary (ESM, with its
// `#!/usr/bin/env node` line kept by esbuild).
export default defineConfig({ ...base, entry: ['src/index.ts', 'src/bin.ts'] });
