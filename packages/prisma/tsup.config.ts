import { defineConfig } from 'tsup';
import { base } from '../../scripts/tsup.base.js';

// SQL lives in .sql files with their headers; the build inlines them as strings (never read from
// disk at run time).
export default defineConfig({ ...base, loader: { '.sql': 'text' } });
