// `npm test`'s runner (scripts/test.js): a mistyped suite name must fail loudly, not end in a
// green `tests: 0 passed, 0 failed`; `--help` says how to use it. Neither runs any suite.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = resolve(import.meta.dirname, '../../scripts/test.js');
const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 15_000 });

describe('scripts/test.js arguments', () => {
  it('refuses an unknown suite name, naming it and the real ones, with a non-zero exit', () => {
    const r = run('unit', 'unti');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown suite unti');
    expect(r.stderr).toContain('lint, unit, browser, e2e');
    expect(r.stdout).not.toMatch(/^tests: /m);
  });

  it('--help prints the usage and runs nothing', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: node scripts\/test\.js \[lint\|unit\|browser\|e2e \.\.\.\]/);
    expect(r.stdout).toContain('BROWSERS=');
    expect(r.stdout).not.toMatch(/^tests: /m);
  });
});
