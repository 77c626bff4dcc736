import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // After every other project, the Kinesis one included: these tests run the built binary and
    // Kinesis worker processes whose pace they measure against, so they should not share the CPU
    // with other suites' worker processes.
    sequence: { groupOrder: 2 },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
