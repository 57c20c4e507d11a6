import { configDefaults, defineConfig } from 'vitest/config';

// Two projects, so that running unit tests alone (`npx vitest run test/core`) starts no JVM:
// - unit: every test/**/*.test.ts(x) but the integration tests;
// - int:  test/**/*.int.test.ts, against real Kafka (one broker per run, test/global-setup.ts)
//         and real SQLite files; slow by nature, so longer timeouts.
// The machine has 2 cores, shared with the broker's JVM: at most 2 test files run at once.
const INT = 'test/**/*.int.test.{ts,tsx}';

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    // global teardown stops the broker: SIGTERM, SIGKILL after 30 s.
    teardownTimeout: 45_000,
    env: {
      // kafkajs 2 prints a warning about its default partitioner at every producer start.
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.{ts,tsx}'],
          // A hang guard, not a speed check: property tests with thousands of runs share two
          // cores with the broker's JVM and the integration tests, and 5 s was seen to run out.
          testTimeout: 30_000,
          exclude: [...configDefaults.exclude, INT],
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: [INT],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 60_000,
          // a test's own broker (startOwnBroker) may start in beforeAll: a JVM start on busy cores.
          hookTimeout: 120_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});
