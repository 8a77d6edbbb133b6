// How `npm test` merges the second run of the files that failed (scripts/results.js): a test
// fails only when it fails in both runs; one that fails then passes is flaky (named, counted
// as passed); a file that did not load and loads the second time takes its second results.
import { describe, expect, it } from 'vitest';
import { failingFiles, fromBrowser, fromVitest, mergeRerun, tally, type RunResults } from '../../scripts/results.js';

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
});
