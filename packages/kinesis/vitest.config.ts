import { defineConfig } from 'vitest/config';

// Tests import the sources, which import .lua files as text (tsup inlines them in the build).
export default defineConfig({
  plugins: [
    {
      name: 'lua-as-text',
      transform(code, id) {
        return id.endsWith('.lua') ? { code: `export default ${JSON.stringify(code)};`, map: null } : undefined;
      },
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    // After every other project: these tests start worker processes, emulators and Redis servers,
    // and the other durable providers' short leases should not share the CPU with them.
    sequence: { groupOrder: 1 },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
