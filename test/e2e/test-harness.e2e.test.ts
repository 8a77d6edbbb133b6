// The browser test harness itself (web-test-runner.config.js): what a developer sees when a
// browser test fails. Runs web-test-runner on a fixture that fails on purpose.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs web-test-runner on `file` in Chromium; killed after `killMs` (a hang reads as such). */
function runBrowserTest(file: string, killMs: number): Promise<{ code: number | null; output: string; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['node_modules/@web/test-runner/dist/bin.js', file], {
      cwd: root,
      env: { ...process.env, BROWSERS: 'chromium', CI: '1' },
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      process.kill(-child.pid!, 'SIGKILL');
    }, killMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, killed });
    });
  });
}

describe('browser test harness', () => {
  it('an assertion failing on a DOM node reports its markup and the run ends (it hung the page until the 5-minute timeout)', async () => {
    const { code, output, killed } = await runBrowserTest('test/fixtures/dom-assertion/fails-on-a-node.browser.test.ts', 50_000);
    expect(killed, output.slice(-2000)).toBe(false);
    expect(code).not.toBe(0);
    expect(output).toContain('AssertionError: expected <textarea part="input"></textarea> to equal null');
    expect(output).not.toContain('browser disconnected');
  });
});
