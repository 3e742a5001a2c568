import { defineConfig } from 'vitest/config'

const browserTests = 'test/browser/**/*.test.ts'

export default defineConfig({
  test: {
    // chDB is one engine per process: every test file gets its own process.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['{common,server,ingest,client}/**/*.test.{ts,tsx}', 'test/**/*.test.ts', 'sample-data/build/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: [browserTests, '**/node_modules/**'],
          // Integration tests start real servers and engines; two cores are all CI has.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          // The screens in headless Chromium (software WebGL) run after everything else and one file
          // at a time: some of their assertions are about time ("on the duty console within 2 s"), and
          // those measure the product only when no other test file shares the two cores.
          name: 'browser',
          include: [browserTests],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
