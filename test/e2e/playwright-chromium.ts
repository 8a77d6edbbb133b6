// Chromium through playwright-core, for the e2e tests that need what the three-engine
// driver (driver.ts) does not offer: request events and interception, downloads, init
// scripts, response headers. Those tests run in Chromium only; the behaviour they cover is
// also tested in all three engines by the browser suite.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromeArgs, chromePath } from '../engines.js';

/** A fresh Chromium profile (1280x800 unless told otherwise). */
export function launchChromium(options: { viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'indigo-e2e-')), {
    executablePath: chromePath,
    headless: true,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    args: [...chromeArgs],
  });
}

/** Page errors and console errors, which a healthy page has none of. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}
