// A vitest reporter for `npm test` (scripts/test.js): writes the run's unhandled errors (an
// error thrown or a promise rejected outside any test, which fails the run though every
// test passed) to the file named by INDIGO_RUN_ERRORS, one line each. Vitest's JSON report
// has no place for them, and without them a second run of the failing files that passes
// would hide that the first run failed (scripts/results.js, withRerun).
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { firstLine } from './failure-line.js';

/** How an unhandled error is named at the end of `npm test`: type, first line, and the file when vitest knows it. */
function runErrorLine(error, cwd = process.cwd()) {
  const e = error ?? {};
  const what = `${e.name ?? 'Error'}: ${firstLine(e.message ?? String(error)).slice(0, 300)}`;
  return e.VITEST_TEST_PATH ? `${what} (from ${relative(cwd, e.VITEST_TEST_PATH)})` : what;
}

export default class RunErrorsReporter {
  onTestRunEnd(_modules, unhandledErrors = []) {
    const out = process.env.INDIGO_RUN_ERRORS;
    if (out) writeFileSync(out, JSON.stringify({ unhandled: unhandledErrors.map((e) => runErrorLine(e)) }));
  }
}
