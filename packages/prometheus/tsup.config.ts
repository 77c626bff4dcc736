import { defineConfig } from 'tsup';
import { base } from '../../scripts/tsup.base.js';

export default defineConfig(base);
