import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['{common,server,ingest,client}/**/*.test.{ts,tsx}', 'test/**/*.test.ts', 'sample-data/build/**/*.test.ts', 'bench/**/*.test.ts'],
    // chDB is one engine per process: every test file gets its own process.
    pool: 'forks',
    // Integration tests start real servers and engines; two cores are all CI has.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
