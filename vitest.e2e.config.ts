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
    // expect.poll waits 10 s, not vitest's 1 s: a real browser on two shared cores can take
    // seconds to decode a clip or paint (CI, 2026-11-30: WebKit read a video's size after
    // 2.3 s). A poll that passes returns at once; only a failing one takes longer to say so.
    expect: { poll: { timeout: 10_000 } },
  },
});
