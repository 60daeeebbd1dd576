import { defineConfig } from 'vitest/config'

// Two projects run the same feature suites against the two ways to run:
// - embedded: PGlite + in-process cache + local disk (no servers needed);
// - server: PostgreSQL (TEST_DATABASE_URL) + Redis (TEST_REDIS_URL), plus the suites that only
//   make sense there (schema parity, several instances sharing one database and Redis).
// scripts/test.mjs picks which to run and refuses to pass quietly when a service is missing.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'embedded',
          include: ['server/**/*.test.ts'],
          exclude: ['server/**/*.server.test.ts', '**/node_modules/**'],
          env: { HEARTH_TEST_BACKEND: 'embedded' },
          globalSetup: ['server/test/setup/pglite-snapshot.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'server',
          include: ['server/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          env: { HEARTH_TEST_BACKEND: 'server' },
          globalSetup: ['server/test/setup/pglite-snapshot.ts'],
        },
      },
      {
        // Browser tests: Chromium against the real server started per file (e2e/support).
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // A browser step under CI load (two cores, server + Chromium + PostgreSQL) can take seconds:
          // expect.poll's 1 s default made a slow OAuth redirect chain fail although it completed.
          expect: { poll: { timeout: 15_000, interval: 100 } },
          fileParallelism: false,
        },
      },
    ],
  },
})
