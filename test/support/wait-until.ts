/**
 * `waitUntil` for the browser tests, 10 s by default instead of @open-wc's 1 s. CI shares two
 * cores with other suites: a render, a lazy chunk or a relay answer that takes a second
 * there failed tests that were right (load average 9 on 2 cores, 2026-11-29). A wait that
 * passes returns as soon as its condition holds, so passing runs are as fast as before;
 * only a failing wait takes longer to say so. Import this one (eslint refuses @open-wc's).
 */
// eslint-disable-next-line no-restricted-imports -- the one wrapper around it
import { waitUntil as openWcWaitUntil } from '@open-wc/testing';

type Options = NonNullable<Parameters<typeof openWcWaitUntil>[2]>;

export const WAIT_MS = 10_000;

export function waitUntil(predicate: () => unknown, message?: string, options: Options = {}): Promise<void> {
  return openWcWaitUntil(predicate, message, { timeout: WAIT_MS, ...options });
}
