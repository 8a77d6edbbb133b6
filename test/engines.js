// The three engines every browser and end-to-end test runs in, from Debian's packages
// (README, Development): Chromium (CDP), Firefox ESR (WebDriver BiDi through
// puppeteer-core) and WebKitGTK (classic WebDriver through WebKitWebDriver, under Xvfb).
// Shared by web-test-runner.config.js, the e2e driver (test/e2e/driver.ts) and
// scripts/pretest.js. Nothing here uses a fixed port or display: other people run tests
// on the same machine at the same time.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromeArgs, chromePath } from './chromium.js';

export { chromeArgs, chromePath };

export const ENGINES = /** @type {const} */ (['chromium', 'firefox', 'webkit']);

/**
 * The engines to run, from `BROWSERS` (comma-separated, e.g. `BROWSERS=chromium`); all
 * three by default. An unknown name is an error, not a silent skip.
 * @returns {('chromium' | 'firefox' | 'webkit')[]}
 */
export function selectedEngines(value = process.env.BROWSERS) {
  if (!value || !value.trim()) return [...ENGINES];
  const names = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const n of names) {
    if (!ENGINES.includes(/** @type {never} */ (n))) throw new Error(`BROWSERS: unknown engine "${n}" (use ${ENGINES.join(', ')})`);
  }
  return /** @type {('chromium' | 'firefox' | 'webkit')[]} */ ([...new Set(names)]);
}

export const firefoxPath = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';
export const webkitDriverPath = process.env.WEBKIT_DRIVER_PATH || '/usr/bin/WebKitWebDriver';
export const miniBrowserPath =
  process.env.WEBKIT_BROWSER_PATH ||
  [
    '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
    '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
    '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.0/MiniBrowser',
  ].find((p) => existsSync(p)) ||
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
export const xvfbPath = process.env.XVFB_PATH || '/usr/bin/Xvfb';

/** A fresh profile directory, removed by the caller's cleanup. */
export function freshProfile(engine) {
  return mkdtempSync(join(tmpdir(), `indigo-${engine}-`));
}

/** puppeteer-core launch options for Chromium or Firefox. */
export function puppeteerLaunchOptions(engine, userDataDir) {
  if (engine === 'firefox') {
    return {
      browser: /** @type {const} */ ('firefox'),
      executablePath: firefoxPath,
      headless: true,
      userDataDir,
      // Keep Firefox off the network it cannot reach (updates, telemetry, safe browsing).
      extraPrefsFirefox: {
        'app.update.enabled': false,
        'browser.safebrowsing.malware.enabled': false,
        'browser.safebrowsing.phishing.enabled': false,
        'datareporting.policy.dataSubmissionEnabled': false,
        'toolkit.telemetry.enabled': false,
        'network.captive-portal-service.enabled': false,
        'ui.prefersReducedMotion': 0,
      },
    };
  }
  return { browser: /** @type {const} */ ('chrome'), executablePath: chromePath, headless: true, userDataDir, args: [...chromeArgs] };
}

/** WebDriver capabilities for WebKitGTK's MiniBrowser. */
export function webkitCapabilities() {
  return {
    browserName: 'MiniBrowser',
    'wdio:enforceWebDriverClassic': true,
    'webkitgtk:browserOptions': { binary: miniBrowserPath, args: ['--automation'] },
  };
}

/** A TCP port that was free a moment ago (listen on port 0, read it, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

const children = new Set();
let exitHooked = false;
function track(child) {
  children.add(child);
  child.on('exit', () => children.delete(child));
  if (!exitHooked) {
    exitHooked = true;
    // Children die with us, however we end (a crashed runner must not leave Xvfb behind).
    const killAll = () => {
      for (const c of children) {
        try {
          c.kill('SIGTERM');
        } catch {
          /* already gone */
        }
      }
    };
    process.on('exit', killAll);
    for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
      process.once(sig, () => {
        killAll();
        process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
      });
    }
  }
  return child;
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(undefined);
    });
    child.kill('SIGTERM');
  });
}

/** Starts Xvfb on a display it picks itself (`-displayfd`); resolves to `:N`. */
export function startXvfb() {
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(xvfbPath, ['-displayfd', '3', '-screen', '0', '1600x1000x24', '-nolisten', 'tcp', '-noreset'], {
        stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      }),
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdio[3].on('data', (d) => {
      out += d;
      const m = /^(\d+)\n/.exec(out);
      if (m) resolve({ display: `:${m[1]}`, stop: () => stopChild(child) });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`Xvfb exited (${code}) before choosing a display: ${err.trim().slice(-300)}`)));
  });
}

async function waitForDriver(url, child, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited (${child.exitCode})`);
    try {
      const res = await fetch(`${url}/status`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`WebKitWebDriver did not answer at ${url} within ${timeoutMs} ms`);
}

/**
 * Starts Xvfb and WebKitWebDriver on a free display and port. `stop()` ends both.
 * A port taken between probing and binding is retried.
 * @returns {Promise<{ port: number; display: string; stop(): Promise<void> }>}
 */
export async function startWebKitDriver() {
  const xvfb = await startXvfb();
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = track(
      spawn(webkitDriverPath, [`--port=${port}`, '--host=127.0.0.1'], { stdio: 'ignore', env: { ...process.env, DISPLAY: xvfb.display } }),
    );
    try {
      await waitForDriver(`http://127.0.0.1:${port}`, child);
      return {
        port,
        display: xvfb.display,
        async stop() {
          await stopChild(child);
          await xvfb.stop();
        },
      };
    } catch (e) {
      await stopChild(child);
      if (attempt >= 2) {
        await xvfb.stop();
        throw e;
      }
    }
  }
}

/** Removes a profile directory, ignoring a browser that still holds a file. */
export function removeProfile(dir) {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    /* best effort */
  }
}
