import { defineConfig } from 'tsup';
import { base } from '../../scripts/tsup.base.js';

// Redis scripts live in .lua files with their headers; the build inlines them as strings (never
// read from disk at run time).
export default defineConfig({ ...base, loader: { '.lua': 'text' } });
