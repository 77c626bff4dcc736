import { defineConfig } from 'tsup';
import { base } from '../../scripts/tsup.base.js';

// The driver is the application's (a peer dependency): never bundled.
export default defineConfig({ ...base, external: ['mongodb'] });
