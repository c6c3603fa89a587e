import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  test: {
    // Tests spawn real daemons; two cores, so keep files parallel but few at once.
    maxWorkers: 2,
    testTimeout: 90_000,
    hookTimeout: 30_000,
    // names each test as it finishes: progress a newcomer can see
    reporters: ['verbose'],
    projects: [
      {
        extends: true,
        test: { name: 'node', environment: 'node', include: ['test/**/*.test.ts'], exclude: ['test/renderer/**', 'test/e2e/**'] },
      },
      {
        extends: true,
        plugins: [vue()],
        test: { name: 'renderer', environment: 'jsdom', include: ['test/renderer/**/*.test.ts'] },
      },
    ],
  },
})
