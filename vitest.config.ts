import { defineConfig } from 'vitest/config'

// Two projects: fast unit tests beside the code, and integration tests that talk to the real
// Kafka broker and MariaDB started by dip's own native-stack code (see test/integration/global-setup.ts).
export default defineConfig({
  test: {
    allowOnly: !process.env.CI,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts', 'test/conformance/**/*.test.ts'],
          environment: 'node',
          // A loaded CI machine can take seconds for the data-heavy cases; timing is never what a unit test checks.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
