/**
 * How `npm test`'s last lines name a failed test (scripts/results.js for the vitest suites,
 * web-test-runner.config.js for the browser suite): its name, then ` :: ` and the first
 * line of its error (at most 300 characters), when there is one.
 */
export function failureLine(name, message) {
  const why = firstLine(message).slice(0, 300);
  return why ? `${name} :: ${why}` : name;
}

/** The first line of an error message ('' for none); also how a file-level error is named. */
export function firstLine(message) {
  return String(message ?? '').split('\n')[0];
}
