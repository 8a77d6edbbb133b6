#!/usr/bin/env node
// Runs every suite (lint, unit, browser, end-to-end), even when an earlier one fails, and ends
// with one line `tests: N passed, M failed` summed over all suites. Exits non-zero on any
// failure. `node scripts/test.js unit browser` runs a subset; BROWSERS=chromium,firefox,webkit
// (default all three) picks the engines of the browser and e2e suites. First it makes sure
// every browser and tool is there (scripts/setup-engines.js). Lint counts one passed per
// clean file and one failure per ESLint error or per file Prettier would rewrite.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { relative } from 'node:path';
import { ensureEngines } from './setup-engines.js';
import { failureLine } from './failure-line.js';
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

function exec(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  return r.status ?? 1;
}

/** The engine a test ran in, from its describe title (`… in firefox …`); 'node' otherwise. */
function engineOf(result) {
  const m = /\bin (chromium|firefox|webkit)\b/.exec((result.ancestorTitles ?? []).join(' '));
  return m ? m[1] : 'node';
}

function vitestCounts(file) {
  if (!existsSync(file)) return null;
  const j = JSON.parse(readFileSync(file, 'utf8'));
  let failed = j.numFailedTests ?? 0;
  const engines = {};
  const failures = [];
  // A test file that fails to load has no assertions but must count as a failure.
  for (const f of j.testResults ?? []) {
    const file = relative(process.cwd(), f.name ?? '');
    if (f.status === 'failed' && (f.assertionResults ?? []).length === 0) {
      failed++;
      failures.push(`${file}: ${String(f.message ?? 'did not load').split('\n')[0]}`);
    }
    for (const a of f.assertionResults ?? []) {
      if (a.status !== 'passed' && a.status !== 'failed') continue;
      const e = (engines[engineOf(a)] ??= { passed: 0, failed: 0 });
      e[a.status]++;
      if (a.status === 'failed')
        failures.push(failureLine([file, ...(a.ancestorTitles ?? []), a.title].join(' > '), a.failureMessages?.[0]));
    }
  }
  return { passed: j.numPassedTests ?? 0, failed, engines, failures };
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

if (run('unit')) {
  const code = exec('npx', [
    'vitest',
    'run',
    '--passWithNoTests',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${RESULTS}/unit.json`,
  ]);
  suites.push({ name: 'unit', code, counts: vitestCounts(`${RESULTS}/unit.json`) });
}

if (run('browser')) {
  // One engine at a time: three browsers on two cores starved each other, and a CI run
  // failed on waits that pass alone (docs/decisions/test-waits.md). Each run writes
  // browser.json (web-test-runner.config.js); the counts are summed here.
  let code = 0;
  const counts = { passed: 0, failed: 0, engines: {}, failures: [], slowest: [] };
  const f = `${RESULTS}/browser.json`;
  for (const engine of selectedEngines()) {
    rmSync(f, { force: true });
    const r = spawnSync('npx', ['web-test-runner'], { stdio: 'inherit', env: { ...process.env, BROWSERS: engine } });
    code ||= r.status ?? 1;
    if (!existsSync(f)) {
      counts.failed++;
      counts.failures.push(`${engine}: the runner ended without results (exit ${r.status})`);
      continue;
    }
    const c = JSON.parse(readFileSync(f, 'utf8'));
    counts.passed += c.passed;
    counts.failed += c.failed;
    Object.assign(counts.engines, c.engines);
    counts.failures.push(...(c.failures ?? []));
    counts.slowest.push(...(c.timed ?? []));
  }
  counts.slowest = counts.slowest.sort((a, b) => b[0] - a[0]).slice(0, 5);
  suites.push({ name: 'browser', code, counts });
}

if (run('e2e')) {
  // The e2e suite drives what `npm start` serves: the built package, embed and demo.
  const buildCode = exec('node', ['scripts/build.js']);
  if (buildCode !== 0) {
    suites.push({ name: 'e2e', code: buildCode, counts: null });
  } else {
    const code = exec('npx', [
      'vitest',
      'run',
      '--config',
      'vitest.e2e.config.ts',
      '--passWithNoTests',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${RESULTS}/e2e.json`,
    ]);
    suites.push({ name: 'e2e', code, counts: vitestCounts(`${RESULTS}/e2e.json`) });
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
  console.log(`suite ${s.name}: ${c.passed} passed, ${c.failed + extra} failed (exit ${s.code})`);
  for (const [engine, e] of Object.entries(c.engines ?? {})) {
    if (s.name !== 'unit') console.log(`  ${s.name} ${engine}: ${e.passed} passed, ${e.failed} failed`);
  }
  // Named here, at the end, because a CI log is often read from its tail only.
  for (const f of c.failures ?? []) console.log(`  failed: ${f}`);
  // How close the slowest tests came to mocha's per-test limit (web-test-runner.config.js).
  for (const [ms, name] of c.slowest ?? []) console.log(`  slowest: ${(ms / 1000).toFixed(1)} s ${name}`);
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
