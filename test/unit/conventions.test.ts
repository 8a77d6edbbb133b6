/**
 * The test conventions (README, Development): one suffix for test helpers, helpers kept out
 * of the published types, one assertion style per runner.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.name.endsWith('.ts')) out.push(relative(root, path).split('\\').join('/'));
  }
  return out;
}

const sources = walk(join(root, 'src'));
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const isTest = (f: string) => f.endsWith('.test.ts');
const isHelper = (f: string) => f.endsWith('.test-helper.ts');
const TEST_ONLY_IMPORT = /from '(vitest|@open-wc\/testing|fast-check|@web\/test-runner[^']*)'/;

describe('test conventions', () => {
  it('a src file that uses a test library is a test or ends in .test-helper.ts', () => {
    const offenders = sources.filter((f) => !isTest(f) && !isHelper(f) && TEST_ONLY_IMPORT.test(read(f)));
    expect(offenders).toEqual([]);
  });

  it('no other helper naming (test-utils, test-helpers, test-support)', () => {
    expect(
      sources.filter((f) => /(^|\/)(test-utils|test-helpers|test-support)\b/.test(f) || (/helpers?\.ts$/.test(f) && !isHelper(f))),
    ).toEqual([]);
  });

  it('tests and test helpers stay out of dist/types', () => {
    const build = JSON.parse(read('tsconfig.build.json')) as { exclude?: string[] };
    expect(build.exclude).toEqual(expect.arrayContaining(['src/**/*.test.ts', 'src/**/*.test-helper.ts']));
  });

  it('one assertion style per runner: expect (vitest in Node, chai via @open-wc/testing in browsers)', () => {
    const self = 'test/unit/conventions.test.ts'; // its patterns are text, not imports
    const files = [...sources, ...walk(join(root, 'test'))].filter((f) => (isTest(f) || isHelper(f)) && f !== self);
    const inBrowser = (f: string) => f.endsWith('.browser.test.ts') || f.startsWith('test/browser/');
    const mixed = files.filter((f) => {
      const text = read(f);
      if (/from 'node:assert|from 'assert'|\bimport\s*\{[^}]*\bassert\b[^}]*\}\s*from/.test(text)) return true;
      if (/\.should\b/.test(text)) return true;
      // Browser suites take expect from @open-wc/testing, never from vitest (and vice versa).
      if (inBrowser(f)) return /from 'vitest'/.test(text);
      return /from '@open-wc\/testing'/.test(text);
    });
    expect(mixed).toEqual([]);
  });
});
