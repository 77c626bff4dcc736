import { defineConfig } from 'vitest/config';

// Tests import the sources, which import .sql files as text (tsup inlines them in the build).
export default defineConfig({
  plugins: [
    {
      name: 'sql-as-text',
      transform(code, id) {
        return id.endsWith('.sql') ? { code: `export default ${JSON.stringify(code)};`, map: null } : undefined;
      },
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/generate-client.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
