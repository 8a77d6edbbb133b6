// Browser suite: the real element and the HTML pipeline in Chromium, Firefox and WebKit
// (Debian's packages; `BROWSERS=chromium` or `BROWSERS=firefox,webkit` picks engines).
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { failureLine, firstLine } from './scripts/failure-line.js';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { webdriverLauncher } from '@web/test-runner-webdriver';
import { a11ySnapshotPlugin } from '@web/test-runner-commands/plugins';
import * as puppeteerCore from 'puppeteer-core';
import {
  freshProfile,
  puppeteerLaunchOptions,
  removeProfile,
  selectedEngines,
  startWebKitDriver,
  webkitCapabilities,
} from './test/engines.js';

const mswWorker = fileURLToPath(new URL('./node_modules/msw/lib/mockServiceWorker.js', import.meta.url));

/**
 * Writes .test-results/browser.json for scripts/test.js (scripts/results.js reads it): per
 * test file, every test passed and failed by name (`engine file > suite > test`) with its
 * engine, a failure with its first error line, and file-level errors (a file that did not
 * load or run counts as one failure); and every test's duration (npm test prints the slowest).
 */
function countReporter() {
  return {
    onTestRunFinished({ sessions }) {
      /** @type {Record<string, { passed: [string, string][]; failed: [string, string, string][]; errors: [string, string][] }>} */
      const files = {};
      /** @type {[number, string][]} */
      const timed = [];
      for (const s of sessions) {
        const engine = String(s.browser.name).toLowerCase();
        const file = relative(process.cwd(), s.testFile);
        const f = (files[file] ??= { passed: [], failed: [], errors: [] });
        const walk = (suite, path) => {
          for (const t of suite.tests) {
            if (t.skipped) continue;
            const name = [`${engine} ${file}`, ...path, t.name].join(' > ');
            if (t.duration) timed.push([t.duration, name]);
            if (t.passed) f.passed.push([name, engine]);
            else f.failed.push([name, engine, failureLine(name, t.error?.message)]);
          }
          for (const child of suite.suites) walk(child, [...path, child.name]);
        };
        if (s.testResults) walk(s.testResults, []);
        if (s.errors && s.errors.length > 0) {
          f.errors.push([engine, `${engine} ${file}: ${firstLine(s.errors[0]?.message ?? 'error')}`]);
        } else if (!s.testResults && s.passed === false) {
          f.errors.push([engine, `${engine} ${file}: did not run`]);
        }
      }
      mkdirSync('.test-results', { recursive: true });
      writeFileSync('.test-results/browser.json', JSON.stringify({ files, timed }));
    },
  };
}

/** Chromium and Firefox through puppeteer-core (CDP / WebDriver BiDi); names feed the per-engine counts. */
function puppeteerLauncher(engine, name) {
  const profile = engine === 'firefox' ? freshProfile(engine) : undefined;
  const launcher = chromeLauncher({ puppeteer: puppeteerCore, launchOptions: puppeteerLaunchOptions(engine, profile) });
  launcher.name = name;
  const stop = launcher.stop.bind(launcher);
  launcher.stop = async () => {
    await stop();
    if (profile) removeProfile(profile);
  };
  return launcher;
}

/** WebKitGTK: WebKitWebDriver under its own Xvfb, on a display and port picked at start, stopped with the run. */
function webkitLauncher() {
  const launcher = webdriverLauncher({ hostname: '127.0.0.1', port: 0, path: '/', logLevel: 'error', capabilities: webkitCapabilities() });
  let driver;
  const initialize = launcher.initialize.bind(launcher);
  const stop = launcher.stop.bind(launcher);
  launcher.initialize = async (config, files) => {
    driver = await startWebKitDriver();
    launcher.options.port = driver.port;
    await initialize(config, files);
    launcher.name = 'WebKit';
  };
  launcher.stop = async () => {
    await stop();
    await driver?.stop();
  };
  return launcher;
}

/**
 * A CDP session per Chromium page, kept (an emulation override lives as long as its
 * session); null for Firefox's BiDi and WebKit's WebDriver, which have no CDP.
 */
function cdpSessions() {
  const cdp = new WeakMap();
  return async (session) => {
    if (session.browser.type !== 'puppeteer' || session.browser.name !== 'Chromium') return null;
    const page = session.browser.getPage(session.id);
    if (!cdp.has(page)) cdp.set(page, await page.createCDPSession());
    return cdp.get(page);
  };
}

/**
 * The `forced-colors` command (test/support/forced-colors.ts): Chromium renders real forced
 * colors (Windows High Contrast) over CDP `Emulation.setEmulatedMedia`, which puppeteer's
 * `emulateMediaFeatures` (and so `emulateMedia`) refuses; the override lives as long as the
 * CDP session, so one is kept per page. Firefox's BiDi and WebKit's WebDriver have no such
 * command: the answer is false there.
 */
function forcedColorsPlugin() {
  const cdpOf = cdpSessions();
  return {
    name: 'forced-colors-command',
    async executeCommand({ command, payload, session }) {
      if (command !== 'forced-colors') return undefined;
      const cdp = await cdpOf(session);
      if (!cdp) return false;
      const value = payload?.active ? 'active' : 'none';
      await cdp.send('Emulation.setEmulatedMedia', { features: [{ name: 'forced-colors', value }] });
      return true;
    },
  };
}

/**
 * The `phone` command (test/support/phone.ts): what a phone has that a desktop Chromium can
 * emulate over CDP: no hover and a coarse pointer (`Emulation.setEmulatedMedia`), notch and
 * home-indicator insets (`Emulation.setSafeAreaInsetsOverride`, the values of
 * `env(safe-area-inset-*)`), and a finger's tap (`Input.dispatchTouchEvent`). One CDP session
 * per page, kept, so overrides last until reset. Firefox's BiDi and WebKit's WebDriver have
 * none of these: the answer is false there.
 */
function phonePlugin() {
  const cdpOf = cdpSessions();
  return {
    name: 'phone-command',
    async executeCommand({ command, payload, session }) {
      if (command !== 'phone') return undefined;
      const c = await cdpOf(session);
      if (!c) return false;
      if (payload.media) await c.send('Emulation.setEmulatedMedia', { features: payload.media });
      if (payload.insets) await c.send('Emulation.setSafeAreaInsetsOverride', { insets: payload.insets });
      if (payload.tap) {
        await c.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
        const touchPoints = [{ x: payload.tap.x, y: payload.tap.y }];
        await c.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints });
        await c.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
        await c.send('Emulation.setTouchEmulationEnabled', { enabled: false });
      }
      return true;
    },
  };
}

function launcherFor(engine) {
  if (engine === 'webkit') return webkitLauncher();
  return puppeteerLauncher(engine, engine === 'firefox' ? 'Firefox' : 'Chromium');
}

export default {
  files: ['src/**/*.browser.test.ts', 'test/browser/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  // The test framework, then test/support/mocha-dom-errors.js: a failed assertion on a DOM
  // node reports its markup instead of hanging the page (see that file).
  testRunnerHtml: (testFramework) =>
    `<!DOCTYPE html><html><head></head><body><script type="module" src="${testFramework}"></script><script type="module" src="/test/support/mocha-dom-errors.js"></script></body></html>`,
  testsFinishTimeout: 300000,
  browsers: selectedEngines().map(launcherFor),
  plugins: [
    forcedColorsPlugin(),
    phonePlugin(),
    a11ySnapshotPlugin(),
    esbuildPlugin({ ts: true, tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) }),
  ],
  middleware: [
    // msw's worker only controls pages when served from the root scope.
    function serveMswWorker(ctx, next) {
      if (ctx.path === '/mockServiceWorker.js') {
        ctx.type = 'application/javascript';
        ctx.body = readFileSync(mswWorker, 'utf8');
        return;
      }
      return next();
    },
  ],
  reporters: [defaultReporter(), summaryReporter({ flatten: false }), countReporter()],
};
