import { defineConfig } from 'vitest/config'

const browserTests = 'test/browser/**/*.test.ts'
/** Unit tests that still open the embedded engine (chDB: one per process, so not in a thread). */
const engineUnitTests = ['server/storage/chdb-column-insert.test.ts']

/**
 * Three projects, one after another:
 * - unit: pure code and in-memory fakes, in worker threads (cheap to start)
 *   that keep their modules loaded from one file to the next (not isolated:
 *   a unit test leaves no state behind; loading the modules afresh for each of
 *   80 files was a third of the project's time);
 * - integration: the real engine, server, sockets and CLIs, one process per
 *   file (chDB is one engine per process), two at a time (two cores);
 * - browser: the screens in headless Chromium, one file at a time.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          pool: 'threads',
          isolate: false,
          include: ['{common,server,ingest,client}/**/*.test.{ts,tsx}', 'sample-data/build/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: [...engineUnitTests, '**/node_modules/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          pool: 'forks',
          include: ['test/integration/**/*.test.ts', 'test/fuzz/**/*.test.ts', ...engineUnitTests],
          // Integration tests start real servers and engines; two cores are all CI has.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          // The screens in headless Chromium (software WebGL) run after everything else and one file
          // at a time: some of their assertions are about time ("on the duty console within 2 s"), and
          // those measure the product only when no other test file shares the two cores.
          name: 'browser',
          pool: 'forks',
          include: [browserTests],
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
})
