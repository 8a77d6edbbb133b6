// How `npm test` merges the second run of the files that failed (scripts/results.js): a test
// fails only when it fails in both runs; one that fails then passes is flaky (named, counted
// as passed); a file that did not load and loads the second time takes its second results.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { failingFiles, fromBrowser, fromVitest, mergeRerun, tally, withRerun, type RunResults } from '../../scripts/results.js';

/** A vitest JSON report with one file's tests (status per title), under `describe`. */
function vitestJson(
  files: Record<string, [string, 'passed' | 'failed' | 'skipped'][] | { loadError: string }>,
  describe = 'demo in firefox',
) {
  return {
    testResults: Object.entries(files).map(([name, tests]) =>
      'loadError' in tests
        ? { name: `/repo/${name}`, status: 'failed', message: `${tests.loadError}\nat somewhere`, assertionResults: [] }
        : {
            name: `/repo/${name}`,
            status: tests.some(([, s]) => s === 'failed') ? 'failed' : 'passed',
            assertionResults: tests.map(([title, status]) => ({
              ancestorTitles: [describe],
              title,
              status,
              failureMessages: status === 'failed' ? [`Error: ${title} broke\n    at x.ts:1`] : [],
            })),
          },
    ),
  };
}
const read = (json: unknown): RunResults => fromVitest(json, '/repo');

describe('scripts/results.js', () => {
  it('reads vitest reports: names, engines, first error lines, a file that did not load', () => {
    const run = read(
      vitestJson({
        'a.test.ts': [
          ['one', 'passed'],
          ['two', 'failed'],
          ['three', 'skipped'],
        ],
        'b.test.ts': { loadError: 'SyntaxError: nope' },
      }),
    );
    expect(failingFiles(run)).toEqual(['a.test.ts', 'b.test.ts']);
    expect(tally(run)).toEqual({
      passed: 1,
      failed: 2,
      engines: { firefox: { passed: 1, failed: 1 }, node: { passed: 0, failed: 1 } },
      failures: ['a.test.ts > demo in firefox > two :: Error: two broke', 'b.test.ts: SyntaxError: nope'],
    });
  });

  it('a test failed then passed is flaky and counts as passed; failed twice stays failed; passed first stays passed', () => {
    const first = read(
      vitestJson({
        'a.test.ts': [
          ['one', 'passed'],
          ['two', 'failed'],
          ['three', 'failed'],
        ],
        'c.test.ts': [['ok', 'passed']],
      }),
    );
    const second = read(
      vitestJson({
        'a.test.ts': [
          ['one', 'failed'],
          ['two', 'passed'],
          ['three', 'failed'],
        ],
      }),
    );
    const { run, flaky } = mergeRerun(first, second);
    expect(flaky).toEqual(['a.test.ts > demo in firefox > two :: Error: two broke']);
    const t = tally(run);
    expect([t.passed, t.failed]).toEqual([3, 1]);
    expect(t.failures).toEqual(['a.test.ts > demo in firefox > three :: Error: three broke']);
    expect(failingFiles(run)).toEqual(['a.test.ts']);
  });

  it('a file that did not load takes the second run; still not loading, or no second results, keeps the first', () => {
    const first = read(vitestJson({ 'b.test.ts': { loadError: 'Error: hook timed out' }, 'd.test.ts': [['x', 'failed']] }));
    const loaded = mergeRerun(
      first,
      read(
        vitestJson({
          'b.test.ts': [
            ['p', 'passed'],
            ['q', 'failed'],
          ],
        }),
      ),
    );
    expect(loaded.flaky).toEqual(['b.test.ts: Error: hook timed out']);
    expect(tally(loaded.run)).toMatchObject({ passed: 1, failed: 2 });
    expect(tally(loaded.run).failures).toEqual([
      'b.test.ts > demo in firefox > q :: Error: q broke',
      'd.test.ts > demo in firefox > x :: Error: x broke',
    ]);

    const again = mergeRerun(first, read(vitestJson({ 'b.test.ts': { loadError: 'Error: hook timed out' } })));
    expect(again.flaky).toEqual([]);
    expect(tally(again.run)).toMatchObject({ passed: 0, failed: 2 });
  });

  it('reads the browser reporter: per-engine names, failures and session errors', () => {
    const run = fromBrowser({
      files: {
        'src/x.browser.test.ts': {
          passed: [['webkit src/x.browser.test.ts > s > a', 'webkit']],
          failed: [['webkit src/x.browser.test.ts > s > b', 'webkit', 'webkit src/x.browser.test.ts > s > b :: Error: late']],
          errors: [],
        },
        'src/y.browser.test.ts': { passed: [], failed: [], errors: [['webkit', 'webkit src/y.browser.test.ts: browser disconnected']] },
      },
    });
    const second = fromBrowser({
      files: {
        'src/x.browser.test.ts': { passed: [['webkit src/x.browser.test.ts > s > b', 'webkit']], failed: [], errors: [] },
        'src/y.browser.test.ts': { passed: [['webkit src/y.browser.test.ts > t', 'webkit']], failed: [], errors: [] },
      },
    });
    const { run: merged, flaky } = mergeRerun(run, second);
    expect(flaky).toEqual(['webkit src/x.browser.test.ts > s > b :: Error: late', 'webkit src/y.browser.test.ts: browser disconnected']);
    expect(tally(merged)).toEqual({ passed: 3, failed: 0, engines: { webkit: { passed: 3, failed: 0 } }, failures: [] });
  });

  describe('withRerun: a suite with its second run', () => {
    const flakyFirst = () => read(vitestJson({ 'a.test.ts': [['two', 'failed']], 'b.test.ts': [['ok', 'passed']] }));
    const flakySecond = () => read(vitestJson({ 'a.test.ts': [['two', 'passed']] }));

    it('every failure passing again turns the exit code to 0, the test named flaky', () => {
      const r = withRerun({ code: 1, run: flakyFirst() }, () => ({ code: 0, run: flakySecond() }));
      expect(r.code).toBe(0);
      expect(r.counts).toMatchObject({ passed: 2, failed: 0, failures: [] });
      expect(r.flaky).toEqual(['a.test.ts > demo in firefox > two :: Error: two broke']);
    });

    it("an unhandled error in the first run is not cleared by the failing files' second run passing", () => {
      const asked: string[][] = [];
      const r = withRerun({ code: 1, run: flakyFirst(), unhandled: ['Error: boom (from b.test.ts)'] }, (files) => {
        asked.push(files);
        return { code: 0, run: flakySecond(), unhandled: [] };
      });
      expect(asked).toEqual([['a.test.ts']]);
      expect(r.code).toBe(1);
      expect(r.counts).toMatchObject({ passed: 2, failed: 1, failures: ['unhandled error: Error: boom (from b.test.ts)'] });
      expect(r.flaky).toEqual(['a.test.ts > demo in firefox > two :: Error: two broke']);
    });

    it('an unhandled error with every test passing is a named failure, and nothing runs again', () => {
      const r = withRerun(
        { code: 1, run: read(vitestJson({ 'b.test.ts': [['ok', 'passed']] })), unhandled: ['TypeError: x is undefined'] },
        () => {
          throw new Error('no file failed: nothing to run again');
        },
      );
      expect(r).toMatchObject({ code: 1, counts: { passed: 1, failed: 1, failures: ['unhandled error: TypeError: x is undefined'] } });
    });

    it("the second run's unhandled errors count too, the same one once", () => {
      const r = withRerun({ code: 1, run: flakyFirst(), unhandled: ['Error: boom'] }, () => ({
        code: 1,
        run: flakySecond(),
        unhandled: ['Error: boom', 'Error: late'],
      }));
      expect(r.code).toBe(1);
      expect(r.counts?.failures).toEqual(['unhandled error: Error: boom', 'unhandled error: Error: late']);
    });

    it('no results from the runner: its exit code, no counts', () => {
      expect(withRerun({ code: 3, run: null }, () => ({ code: 0, run: null }))).toEqual({ code: 3, counts: null, flaky: [] });
    });
  });

  it('scripts/run-errors-reporter.js writes what vitest reports outside any test, with the file it came from', () => {
    const dir = mkdtempSync(join(tmpdir(), 'run-errors-'));
    const out = join(dir, 'errors.json');
    const root = resolve(import.meta.dirname, '../fixtures/run-errors');
    const r = spawnSync(
      process.execPath,
      [
        resolve('node_modules/vitest/vitest.mjs'),
        'run',
        '--config',
        join(root, 'vitest.config.ts'),
        '--reporter=json',
        `--outputFile.json=${join(dir, 'report.json')}`,
        `--reporter=${resolve('scripts/run-errors-reporter.js')}`,
      ],
      { encoding: 'utf8', env: { ...process.env, INDIGO_RUN_ERRORS: out } },
    );
    // Vitest fails the run for it though its one test passed, and its JSON report cannot say why.
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toMatchObject({
      numPassedTests: 1,
      numFailedTests: 0,
      success: true,
    });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({
      unhandled: [`Error: thrown after the test passed (from ${join('test/fixtures/run-errors', 'leaves-an-error.test.ts')})`],
    });
  });
});
