import { defineConfig } from 'vitest/config';

// End-to-end suite: starts the real server (relay + mock platform + built demo) on
// 127.0.0.1 and drives Chromium, Firefox and WebKit (test/e2e/driver.ts; BROWSERS picks).
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
