import { defineConfig } from 'vitest/config'

/**
 * Integration files that stop and restart the shared broker or MariaDB under the others
 * (lake-kill, warehouse-crash), or that need the machine to themselves (beam-flink: Beam's Flink
 * job server, a JVM per run, starved by a second file): they run one at a time, after every other
 * integration file. The rest keep to their own topics, consumer groups, databases, lake roots and
 * state dirs (broker-crash, stack and bare-machine start whole stacks of their own on free ports),
 * so two of them run at once.
 */
const serialIntegration = [
  'test/integration/beam-flink.test.ts',
  'test/integration/lake-kill.test.ts',
  'test/integration/warehouse-crash.test.ts',
]

// The real Kafka broker and MariaDB, started once by dip's own native-stack code and shared by both
// integration projects (see test/integration/global-setup.ts).
const integration = {
  environment: 'node' as const,
  globalSetup: ['test/integration/global-setup.ts'],
  testTimeout: 180_000,
  hookTimeout: 300_000,
}

// Three projects, run one after the other: fast unit tests beside the code; integration files that
// keep to their own topics, databases and state dirs, two at a time; and the serial ones above.
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
          // Pure logic, no shared state: both cores (the default keeps one free).
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...integration,
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: serialIntegration,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...integration,
          name: 'integration-serial',
          include: serialIntegration,
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
})
