import { defineConfig } from 'vitest/config';

// Unit suite: pure code (core, relay, mock platform, transport) in Node.
// Browser suites (*.browser.test.ts) run under @web/test-runner; e2e under vitest.e2e.config.ts.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
    exclude: ['**/*.browser.test.ts', '**/node_modules/**', 'dist/**'],
    setupFiles: ['test/unit/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // As in the e2e suite: real HTTP on two shared cores can take more than vitest's 1 s.
    expect: { poll: { timeout: 10_000 } },
  },
});
