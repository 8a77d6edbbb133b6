#!/usr/bin/env node
// Runs every suite (lint, unit, browser, end-to-end), even when an earlier one fails, and ends
// with one line `tests: N passed, M failed` summed over all suites. Exits non-zero on any
// failure. `node scripts/test.js unit browser` runs a subset; BROWSERS=chromium,firefox,webkit
// (default all three) picks the engines of the browser and e2e suites. First it makes sure
// every browser and tool is there (scripts/setup-engines.js). Lint counts one passed per
// clean file and one failure per ESLint error or per file Prettier would rewrite. The files
// with a failure run once more; a test fails only when it fails both times, and one that
// passed the second time is printed as `flaky:` (scripts/results.js).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureEngines } from './setup-engines.js';
import { fromBrowser, fromVitest, withRerun } from './results.js';
import { selectedEngines } from '../test/engines.js';

const RESULTS = '.test-results';
const SUITES = ['lint', 'unit', 'browser', 'e2e'];
const USAGE = `Usage: node scripts/test.js [${SUITES.join('|')} ...]   (npm test -- unit e2e)

Runs every suite, or the ones named, and ends with one line \`tests: N passed, M failed\`.
BROWSERS=chromium,firefox,webkit (default all three) picks the engines of browser and e2e.
Missing browsers and tools are installed from Debian's packages as root; otherwise it stops
with the apt-get command to run.`;
const wanted = process.argv.slice(2);
if (wanted.some((a) => a === '--help' || a === '-h')) {
  console.log(USAGE);
  process.exit(0);
}
// A mistyped suite name must not end in a green `tests: 0 passed, 0 failed`.
const unknown = wanted.filter((a) => !SUITES.includes(a));
if (unknown.length > 0) {
  console.error(`npm test: unknown suite ${unknown.join(', ')}; the suites are ${SUITES.join(', ')}.\n\n${USAGE}`);
  process.exit(2);
}
const run = (name) => wanted.length === 0 || wanted.includes(name);

function exec(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  return r.status ?? 1;
}

function lintCounts(file) {
  if (!existsSync(file)) return null;
  let passed = 0;
  let failed = 0;
  for (const f of JSON.parse(readFileSync(file, 'utf8'))) {
    if (f.errorCount === 0) passed++;
    failed += f.errorCount;
    for (const m of f.messages) {
      if (m.severity === 2) console.log(`${f.filePath}:${m.line ?? 0}:${m.column ?? 0} ${m.message} (${m.ruleId ?? 'parse'})`);
    }
  }
  return { passed, failed };
}

ensureEngines(wanted.length > 0 ? wanted : ['unit', 'browser', 'e2e']);

rmSync(RESULTS, { recursive: true, force: true });
mkdirSync(RESULTS, { recursive: true });

const suites = [];

if (run('lint')) {
  // ESLint: one passed per clean file, one failure per error (warnings are not configured).
  const file = `${RESULTS}/lint.json`;
  const code = exec('npx', ['eslint', '--format', 'json', '--output-file', file, '.']);
  const counts = lintCounts(file);
  // Prettier: every file it would rewrite is one failure (`npm run format` fixes them).
  const fmt = spawnSync('npx', ['prettier', '--list-different', '.'], { encoding: 'utf8', env: process.env });
  const unformatted = fmt.stdout.split('\n').filter(Boolean);
  for (const f of unformatted) console.log(`${f}: not formatted (run npm run format)`);
  if (counts) counts.failed += unformatted.length;
  const fmtCode = unformatted.length > 0 || (fmt.status !== 0 && fmt.status !== 1) ? 1 : 0;
  suites.push({ name: 'lint', code: code || fmtCode, counts });
}

/** A vitest run (unit or e2e config) over `files` (all when empty): its exit code, results and unhandled errors. */
function vitest(config, out, files) {
  const errors = out.replace(/\.json$/, '.errors.json');
  rmSync(out, { force: true });
  rmSync(errors, { force: true });
  const code = exec(
    'npx',
    [
      'vitest',
      'run',
      ...(config ? ['--config', config] : []),
      '--passWithNoTests',
      '--reporter=default',
      '--reporter=json',
      '--reporter=./scripts/run-errors-reporter.js',
      `--outputFile.json=${out}`,
      ...files,
    ],
    { ...process.env, INDIGO_RUN_ERRORS: errors },
  );
  return {
    code,
    run: existsSync(out) ? fromVitest(JSON.parse(readFileSync(out, 'utf8'))) : null,
    // Errors outside any test (scripts/run-errors-reporter.js): they fail the suite even if a rerun passes.
    unhandled: existsSync(errors) ? JSON.parse(readFileSync(errors, 'utf8')).unhandled : [],
  };
}

/** `again` for withRerun, saying in the log which files run once more. */
const once = (runFiles) => (files) => {
  console.log(`\nnpm test: running the ${files.length} file(s) with failures once more: ${files.join(' ')}\n`);
  return runFiles(files);
};

if (run('unit')) {
  const first = vitest(null, `${RESULTS}/unit.json`, []);
  suites.push({
    name: 'unit',
    ...withRerun(
      first,
      once((files) => vitest(null, `${RESULTS}/unit-again.json`, files)),
    ),
  });
}

if (run('browser')) {
  // One engine at a time: three browsers on two cores starved each other, and a CI run
  // failed on waits that pass alone (docs/decisions/test-waits.md). Each run writes
  // browser.json (web-test-runner.config.js); the engines' results are summed here.
  const f = `${RESULTS}/browser.json`;
  const wtr = (engine, files) => {
    rmSync(f, { force: true });
    const r = spawnSync('npx', ['web-test-runner', ...files], { stdio: 'inherit', env: { ...process.env, BROWSERS: engine } });
    const json = existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null;
    return { code: r.status ?? 1, run: json ? fromBrowser(json) : null, timed: json?.timed ?? [] };
  };
  let code = 0;
  const counts = { passed: 0, failed: 0, engines: {}, failures: [], slowest: [] };
  const flaky = [];
  for (const engine of selectedEngines()) {
    const first = wtr(engine, []);
    counts.slowest.push(...first.timed);
    const r = withRerun(
      first,
      once((files) => wtr(engine, files)),
    );
    code ||= r.code;
    flaky.push(...r.flaky);
    if (!r.counts) {
      counts.failed++;
      counts.failures.push(`${engine}: the runner ended without results (exit ${first.code})`);
      continue;
    }
    counts.passed += r.counts.passed;
    counts.failed += r.counts.failed;
    Object.assign(counts.engines, r.counts.engines);
    counts.failures.push(...r.counts.failures);
  }
  counts.slowest = counts.slowest.sort((a, b) => b[0] - a[0]).slice(0, 5);
  suites.push({ name: 'browser', code, counts, flaky });
}

if (run('e2e')) {
  // The e2e suite drives what `npm start` serves: the built package, embed and demo.
  const buildCode = exec('node', ['scripts/build.js']);
  if (buildCode !== 0) {
    suites.push({ name: 'e2e', code: buildCode, counts: null, flaky: [] });
  } else {
    const config = 'vitest.e2e.config.ts';
    const first = vitest(config, `${RESULTS}/e2e.json`, []);
    suites.push({
      name: 'e2e',
      ...withRerun(
        first,
        once((files) => vitest(config, `${RESULTS}/e2e-again.json`, files)),
      ),
    });
  }
}

let passed = 0;
let failed = 0;
for (const s of suites) {
  // A runner that crashed before reporting counts as one failure.
  const c = s.counts ?? { passed: 0, failed: 1 };
  const extra = s.code !== 0 && c.failed === 0 ? 1 : 0;
  passed += c.passed;
  failed += c.failed + extra;
  const flaky = s.flaky ?? [];
  const again = flaky.length > 0 ? ` (${flaky.length} passed only when run again)` : '';
  console.log(`suite ${s.name}: ${c.passed} passed, ${c.failed + extra} failed${again} (exit ${s.code})`);
  for (const [engine, e] of Object.entries(c.engines ?? {})) {
    if (s.name !== 'unit') console.log(`  ${s.name} ${engine}: ${e.passed} passed, ${e.failed} failed`);
  }
  // Named here, at the end, because a CI log is often read from its tail only.
  for (const f of c.failures ?? []) console.log(`  failed: ${f}`);
  // Passed when its file ran again: counted as passed, and named so it is hunted, not hidden.
  for (const f of flaky) console.log(`  flaky: ${f}`);
  // How close the slowest tests came to mocha's per-test limit (web-test-runner.config.js).
  for (const [ms, name] of c.slowest ?? []) console.log(`  slowest: ${(ms / 1000).toFixed(1)} s ${name}`);
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
