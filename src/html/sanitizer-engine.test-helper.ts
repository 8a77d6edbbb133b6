// Browser test files that sanitize (directly or through the streaming view) pick their
// engine with a root hook. The `*.dompurify.browser.test.ts` files re-run a suite with the
// DOMPurify fallback forced, so Chromium and Firefox test both paths (WebKit has only the
// fallback).
import { ensureSanitizer, resetSanitizerForTests, sanitizerEngine, type SanitizerEngineName } from './sanitize.js';

/** Root hook: this file's tests sanitize with `engine` (`auto`: what the browser picks). */
export function sanitizeWith(engine: 'auto' | SanitizerEngineName): void {
  before(async () => {
    resetSanitizerForTests(engine);
    await ensureSanitizer();
    if (engine !== 'auto' && sanitizerEngine() !== engine) throw new Error(`expected the ${engine} engine, got ${sanitizerEngine()}`);
  });
}

/** True where the browser has the HTML Sanitizer API (and it passed our self-test). */
export function hasNativeSanitizer(): boolean {
  try {
    resetSanitizerForTests('native');
    return true;
  } catch {
    return false;
  } finally {
    resetSanitizerForTests('auto');
  }
}
