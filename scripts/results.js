// How `npm test` (scripts/test.js) reads a suite's results and merges a second run of the
// files that failed (docs/decisions/test-waits.md, "A failing file runs once more"): a test
// fails only when it fails in both runs; one that fails and then passes is named `flaky:`
// at the end of the output, not hidden, and counts as passed.
import { relative } from 'node:path';
import { failureLine, firstLine } from './failure-line.js';

/**
 * One run's results, per test file: every test by name (`file > suite > test`) with its
 * engine, a failure's line (name and first error line), and file-level errors (a file
 * that did not load, a page that crashed) keyed by `engine file`.
 * @typedef {{ passed: Map<string, string>, failed: Map<string, { engine: string, line: string }>, errors: Map<string, { engine: string, line: string }> }} FileResults
 * @typedef {Map<string, FileResults>} RunResults
 */

/** @returns {FileResults} */
function fileEntry(run, file) {
  let e = run.get(file);
  if (!e) run.set(file, (e = { passed: new Map(), failed: new Map(), errors: new Map() }));
  return e;
}

/** The engine a vitest test ran in, from its describe title (`… in firefox …`); 'node' otherwise. */
function engineOf(ancestorTitles) {
  const m = /\bin (chromium|firefox|webkit)\b/.exec((ancestorTitles ?? []).join(' '));
  return m ? m[1] : 'node';
}

/** Vitest's JSON report (`--reporter=json`) as RunResults. */
export function fromVitest(json, cwd = process.cwd()) {
  /** @type {RunResults} */
  const run = new Map();
  for (const f of json.testResults ?? []) {
    const file = relative(cwd, f.name ?? '');
    const e = fileEntry(run, file);
    // A file that failed with no failed test (it did not load, a hook failed) is one failure.
    if (f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed')) {
      e.errors.set(file, { engine: 'node', line: `${file}: ${firstLine(f.message ?? 'did not load')}` });
    }
    for (const a of f.assertionResults ?? []) {
      const name = [file, ...(a.ancestorTitles ?? []), a.title].join(' > ');
      const engine = engineOf(a.ancestorTitles);
      if (a.status === 'passed') e.passed.set(name, engine);
      else if (a.status === 'failed') e.failed.set(name, { engine, line: failureLine(name, a.failureMessages?.[0]) });
    }
  }
  return run;
}

/** The browser reporter's `files` (web-test-runner.config.js) as RunResults. */
export function fromBrowser(json) {
  /** @type {RunResults} */
  const run = new Map();
  for (const [file, r] of Object.entries(json.files ?? {})) {
    const e = fileEntry(run, file);
    for (const [name, engine] of r.passed) e.passed.set(name, engine);
    for (const [name, engine, line] of r.failed) e.failed.set(name, { engine, line });
    for (const [engine, line] of r.errors) e.errors.set(`${engine} ${file}`, { engine, line });
  }
  return run;
}

/** The files with a failed test or a file-level error. */
export function failingFiles(run) {
  return [...run].filter(([, r]) => r.failed.size > 0 || r.errors.size > 0).map(([file]) => file);
}

/**
 * Merges a second run of some files into the first. A test that failed first and passed
 * second is flaky; one that passed first stays passed; a file that did not load first
 * takes the second run's results when it loaded then. A file the second run has no
 * results for (its runner crashed) keeps the first run's.
 * @param {RunResults} first
 * @param {RunResults} second
 * @returns {{ run: RunResults, flaky: string[] }}
 */
export function mergeRerun(first, second) {
  /** @type {RunResults} */
  const run = new Map(first);
  const flaky = [];
  for (const [file, a] of first) {
    const b = second.get(file);
    if (!b || (a.failed.size === 0 && a.errors.size === 0)) continue;
    const m = { passed: new Map(a.passed), failed: new Map(), errors: new Map(a.errors) };
    for (const [name, f] of a.failed) {
      if (b.passed.has(name)) {
        m.passed.set(name, f.engine);
        flaky.push(f.line);
      } else m.failed.set(name, f);
    }
    if (a.errors.size > 0 && b.errors.size === 0) {
      // It loaded the second time: its tests count as they ran then.
      for (const e of a.errors.values()) flaky.push(e.line);
      m.errors.clear();
      for (const [name, engine] of b.passed) if (!m.failed.has(name)) m.passed.set(name, engine);
      for (const [name, f] of b.failed) if (!m.passed.has(name)) m.failed.set(name, f);
    }
    run.set(file, m);
  }
  return { run, flaky };
}

/** Counts (overall and per engine) and failure lines of a run. */
export function tally(run) {
  let passed = 0;
  let failed = 0;
  /** @type {Record<string, { passed: number, failed: number }>} */
  const engines = {};
  const failures = [];
  const count = (engine, key) => {
    (engines[engine] ??= { passed: 0, failed: 0 })[key]++;
  };
  for (const r of run.values()) {
    for (const engine of r.passed.values()) {
      passed++;
      count(engine, 'passed');
    }
    for (const f of [...r.failed.values(), ...r.errors.values()]) {
      failed++;
      count(f.engine, 'failed');
      failures.push(f.line);
    }
  }
  return { passed, failed, engines, failures };
}

/**
 * A suite's outcome once the files that failed ran again: `first` is { code, run, unhandled }
 * (exit code, RunResults or null when the runner wrote none, the unhandled errors' lines) and
 * `again(files)` runs those files and returns the same shape. A test fails only when it fails
 * in both runs. An unhandled error fails the suite whichever run it came from: it is not a
 * test's, so a second run of the failing files that passes cannot clear it.
 * @typedef {{ code: number, run: RunResults | null, unhandled?: string[] }} SuiteRun
 * @param {SuiteRun} first
 * @param {(files: string[]) => SuiteRun} again
 */
export function withRerun(first, again) {
  if (!first.run) return { code: first.code, counts: null, flaky: [] };
  const files = failingFiles(first.run);
  const second = files.length > 0 ? again(files) : null;
  const merged = second?.run ? mergeRerun(first.run, second.run) : { run: first.run, flaky: [] };
  const counts = tally(merged.run);
  const unhandled = [...new Set([...(first.unhandled ?? []), ...(second?.unhandled ?? [])])];
  counts.failed += unhandled.length;
  counts.failures.push(...unhandled.map((line) => `unhandled error: ${line}`));
  // The first exit code said "failed"; it stands unless every failure passed again.
  let code = first.code;
  if (second?.run) code = counts.failed === 0 && second.code === 0 ? 0 : first.code || second.code;
  if (unhandled.length > 0) code ||= 1;
  return { code, counts, flaky: merged.flaky };
}
