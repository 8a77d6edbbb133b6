// One small API for the end-to-end tests over three engines (docs/decisions/e2e-driver.md):
// Chromium (CDP) and Firefox (WebDriver BiDi) through puppeteer-core, WebKitGTK through
// WebKitWebDriver (classic WebDriver) with webdriverio. Elements are found in the page by
// page-query.js (CSS whose descendant steps pierce open shadow roots); clicks and keys are
// real input events from the driver, not synthetic DOM events.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import puppeteer, {
  type Browser as PBrowser,
  type CDPSession,
  type ElementHandle,
  type LaunchOptions as PLaunchOptions,
  type Page as PPage,
} from 'puppeteer-core';
import { remote } from 'webdriverio';
import { freshProfile, puppeteerLaunchOptions, removeProfile, selectedEngines, startWebKitDriver, webkitCapabilities } from '../engines.js';
import { pageQuerySource } from './page-query.js';

export type Engine = 'chromium' | 'firefox' | 'webkit';
export const engines: Engine[] = selectedEngines();

type TextFilter = string | RegExp;
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
// Functions sent to the page are serialised with toString(), like Playwright's evaluate.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PageFn = (...args: any[]) => unknown;

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const encodeText = (t?: TextFilter) => (t === undefined ? null : t instanceof RegExp ? { regex: t.source, flags: t.flags } : { text: t });
const WEBDRIVER_KEYS: Record<string, string> = {
  Enter: '\uE007',
  Escape: '\uE00C',
  Tab: '\uE004',
  Home: '\uE011',
  End: '\uE010',
  ArrowLeft: '\uE012',
  ArrowUp: '\uE013',
  ArrowRight: '\uE014',
  ArrowDown: '\uE015',
  Space: '\uE00D',
};

/** What each engine's backend provides; everything else is built on these. */
interface Backend {
  /** Evaluates a JS expression in the page and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  /** Clicks the element the expression evaluates to, with real pointer input. */
  click(expression: string): Promise<void>;
  /** Presses a key in the element the expression evaluates to (null: whatever has focus). */
  key(expression: string | null, key: string): Promise<void>;
  /** Types into the element the expression evaluates to (focused first). */
  type(expression: string, text: string): Promise<void>;
  /** Moves the pointer to viewport coordinates (real pointer input). */
  mouseMove(x: number, y: number): Promise<void>;
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  screenshot(path: string, fullPage: boolean): Promise<void>;
  close(): Promise<void>;
  /** Turns emulated forced colors (Windows High Contrast) on or off; absent where the driver cannot. */
  forcedColors?(active: boolean): Promise<void>;
}

/** One step of a locator: a (shadow-piercing) selector, a text filter, and which match (null: all). */
interface Step {
  s: string;
  t: ReturnType<typeof encodeText>;
  i: number | null;
}
const queryCall = (op: string, chain: Step[], arg?: unknown) =>
  `${pageQuerySource}(${JSON.stringify(op)}, ${JSON.stringify(chain)}, ${JSON.stringify(arg ?? null)})`;

/** Playwright-like locator: resolved afresh in the page on every call. */
export class Locator {
  constructor(
    private readonly page: E2EPage,
    private readonly chain: Step[],
  ) {}

  private withIndex(i: number): Locator {
    const last = this.chain[this.chain.length - 1] as Step;
    return new Locator(this.page, [...this.chain.slice(0, -1), { ...last, i }]);
  }
  first(): Locator {
    return this.withIndex(0);
  }
  last(): Locator {
    return this.withIndex(-1);
  }
  nth(i: number): Locator {
    return this.withIndex(i);
  }
  /** Matches of `selector` inside this locator's matches. */
  locator(selector: string, options: { hasText?: TextFilter } = {}): Locator {
    return new Locator(this.page, [...this.chain, { s: selector, t: encodeText(options.hasText), i: null }]);
  }
  private get description(): string {
    return this.chain.map((c) => `${c.s}${c.t ? ` (${JSON.stringify(c.t)})` : ''}${c.i === null ? '' : `[${c.i}]`}`).join(' >> ');
  }

  private q<T>(op: string, arg?: unknown): Promise<T> {
    return this.page.backend.evaluate<T>(queryCall(op, this.chain, arg));
  }

  count(): Promise<number> {
    return this.q('count');
  }
  textContent(): Promise<string | null> {
    return this.q('text');
  }
  allTextContents(): Promise<string[]> {
    return this.q('texts');
  }
  getAttribute(name: string): Promise<string | null> {
    return this.q('attr', name);
  }
  inputValue(): Promise<string> {
    return this.q('value');
  }
  boundingBox(): Promise<Box> {
    return this.q('box');
  }
  focus(): Promise<void> {
    return this.q('focus');
  }
  /** Runs `fn(element, arg)` in the page. */
  evaluate<T>(fn: (el: HTMLElement, arg?: never) => T, arg?: unknown): Promise<T> {
    return this.page.backend.evaluate<T>(`(${fn.toString()})(${queryCall('get', this.chain)}, ${JSON.stringify(arg ?? null)})`);
  }
  /** Runs `fn(elements, arg)` in the page over every match. */
  evaluateAll<T>(fn: (els: HTMLElement[], arg?: never) => T, arg?: unknown): Promise<T> {
    return this.page.backend.evaluate<T>(`(${fn.toString()})(${queryCall('all', this.chain)}, ${JSON.stringify(arg ?? null)})`);
  }

  async waitFor(options: { state?: 'attached' | 'visible' | 'hidden' | 'detached'; timeout?: number } = {}): Promise<void> {
    const state = options.state ?? 'visible';
    const end = Date.now() + (options.timeout ?? 30_000);
    for (;;) {
      const s = await this.q<{ attached: boolean; visible: boolean }>('state');
      const ok = state === 'attached' ? s.attached : state === 'visible' ? s.visible : state === 'hidden' ? !s.visible : !s.attached;
      if (ok) return;
      if (Date.now() > end) throw new Error(`timed out waiting for ${this.description} to be ${state}; ${await this.page.widgetState()}`);
      await wait(100);
    }
  }

  /** Waits until visible, then clicks its centre with the engine's real pointer. */
  async click(): Promise<void> {
    await this.waitFor({ state: 'visible' });
    await this.page.backend.click(queryCall('element', this.chain));
  }
  /** Empties the field, then types the text with real key events. */
  async fill(text: string): Promise<void> {
    await this.waitFor({ state: 'visible' });
    await this.q('clear');
    await this.page.backend.type(queryCall('get', this.chain), text);
  }
  /** Focuses the element and presses a key (`Enter`, `Escape`, `Home`, …). */
  async press(key: string): Promise<void> {
    await this.q('focus');
    await this.page.backend.key(queryCall('get', this.chain), key);
  }
}

export class E2EPage {
  constructor(
    readonly engine: Engine,
    readonly backend: Backend,
  ) {}

  locator(selector: string, options: { hasText?: TextFilter } = {}): Locator {
    return new Locator(this, [{ s: selector, t: encodeText(options.hasText), i: null }]);
  }

  async goto(url: string): Promise<void> {
    await this.backend.goto(url);
    await this.installErrorHooks();
  }
  async reload(): Promise<void> {
    await this.backend.reload();
    await this.installErrorHooks();
  }

  /** Runs `fn(arg)` in the page and returns its (JSON) result; a returned promise is awaited. */
  evaluate<T>(fn: PageFn | string, arg?: unknown): Promise<T> {
    const expr = typeof fn === 'string' ? fn : `(${fn.toString()})(${JSON.stringify(arg ?? null)})`;
    return this.backend.evaluate<T>(expr);
  }

  /** Polls `fn(arg)` in the page until it returns something truthy. */
  async waitForFunction(fn: PageFn, arg?: unknown, options: { timeout?: number } = {}): Promise<void> {
    const end = Date.now() + (options.timeout ?? 30_000);
    for (;;) {
      if (await this.evaluate(fn, arg)) return;
      if (Date.now() > end) throw new Error(`timed out waiting for ${fn.toString().slice(0, 120)}; ${await this.widgetState()}`);
      await wait(100);
    }
  }

  /**
   * One line on what the widget shows, for a wait's timeout message (CI logs keep a failure's
   * first line): whether the element is defined and open, its notices (a welcome that failed
   * says why there), the end of the transcript, and the widget's error events since `goto`.
   */
  async widgetState(): Promise<string> {
    try {
      return await this.evaluate(() => {
        const host = document.querySelector('indigo-chat') as (HTMLElement & { open?: boolean }) | null;
        if (!host) return 'page: no indigo-chat';
        const root = host.shadowRoot;
        const text = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
        const notices = root ? [...root.querySelectorAll('[part~="notice"], [role="alert"]')].map(text).filter(Boolean) : [];
        const transcript = text(root?.querySelector('[part~="transcript"]'));
        return (
          `page: indigo-chat ${customElements.get('indigo-chat') ? 'defined' : 'not defined'}, open=${String(host.open)}, ` +
          `${root?.querySelectorAll('[part~="message"]').length ?? 0} messages, notices ${JSON.stringify(notices.join(' | ').slice(0, 200))}, ` +
          `transcript ${JSON.stringify(transcript.slice(-200))}, ` +
          `error events ${JSON.stringify(((globalThis as { __e2eWidgetErrors?: string[] }).__e2eWidgetErrors ?? []).join(' | ').slice(0, 300))}`
        );
      });
    } catch (e) {
      return `page: unreadable (${String(e).split('\n')[0]})`;
    }
  }

  /** Presses a key on whatever has focus. */
  readonly keyboard = { press: (key: string) => this.backend.key(null, key) };

  /** Moves the real pointer to viewport coordinates. */
  readonly mouse = { move: (x: number, y: number) => this.backend.mouseMove(x, y) };

  /** Writes a PNG (creating its folder). */
  async screenshot(options: { path: string; fullPage?: boolean }): Promise<void> {
    mkdirSync(dirname(options.path), { recursive: true });
    // Let a rendering update happen first: WebKit's snapshot is the last painted frame.
    await this.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => r(true), 100)))));
    await this.backend.screenshot(options.path, options.fullPage ?? false);
  }

  /**
   * Page errors and console errors since the page loaded. Chromium and Firefox report them
   * through the driver from the first byte; WebKit's classic WebDriver has no console, so
   * there a hook installed right after load records uncaught errors, rejections and
   * console.error calls (an error thrown during the very first script run is missed).
   */
  async errors(): Promise<string[]> {
    const inPage = await this.evaluate<string[] | null>(() => (globalThis as unknown as { __e2eErrors?: string[] }).__e2eErrors ?? null);
    return [...this.driverErrors, ...(inPage ?? [])];
  }
  readonly driverErrors: string[] = [];

  private async installErrorHooks(): Promise<void> {
    // Every engine: the widget's error events, for widgetState() when a wait times out.
    await this.evaluate(() => {
      const g = globalThis as unknown as { __e2eWidgetErrors?: string[] };
      if (g.__e2eWidgetErrors) return;
      const seen: string[] = (g.__e2eWidgetErrors = []);
      document.addEventListener('indigo-chat-error', (e) => {
        const d = (e as CustomEvent<{ code?: string; message?: string }>).detail;
        seen.push(`${String(d?.code)}: ${String(d?.message)}`);
      });
    });
    if (this.engine !== 'webkit') return;
    await this.evaluate(() => {
      const g = globalThis as unknown as { __e2eErrors?: string[] };
      if (g.__e2eErrors) return;
      const errors: string[] = (g.__e2eErrors = []);
      addEventListener('error', (e) => errors.push(`pageerror: ${e.message}`));
      addEventListener('unhandledrejection', (e) => errors.push(`pageerror: ${String(e.reason)}`));
      const orig = console.error.bind(console);
      console.error = (...a: unknown[]) => {
        errors.push(`console: ${a.map(String).join(' ')}`);
        orig(...a);
      };
    });
  }

  /**
   * Emulates forced colors (the system palette replaces the page's colours, as in Windows
   * High Contrast). Chromium only (CDP `Emulation.setEmulatedMedia`: real forced-colors
   * rendering, not just the media query); false where the driver cannot.
   */
  async forcedColors(active: boolean): Promise<boolean> {
    if (!this.backend.forcedColors) return false;
    await this.backend.forcedColors(active);
    return true;
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}

export interface E2EBrowser {
  engine: Engine;
  /** A new page (WebKit: a new window); `viewport` sizes its layout viewport. */
  newPage(options?: LaunchOptions): Promise<E2EPage>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  viewport?: { width: number; height: number };
  /**
   * newPage only: the page gets its own browser context, so no HTTP cache, cookies or
   * storage are shared with other pages (what a server-side request log needs: a cached
   * file never reaches the server). WebKit pages are always separate sessions.
   */
  isolated?: boolean;
  /**
   * `127.0.0.1:port` of an HTTP proxy every request to a host other than loopback goes
   * through, its certificates accepted (test/e2e/foreign-proxy.ts): the witness of what a
   * page asks of other hosts. Chromium and Firefox only: WebKitGTK's WebDriver speaks TLS
   * to a proxy for HTTPS and refuses a test certificate, and with a plain-HTTP proxy a page
   * load hung now and then (docs/decisions/e2e-server-witness.md). Absent: no proxy,
   * certificates checked.
   */
  proxy?: string;
  /**
   * Firefox: forced colors (Windows High Contrast) for the browser's whole life, by the pref
   * its "Override the colours: always" setting writes (`browser.display.document_color_use`
   * = 2; BiDi has no command to turn them on per page). Chromium turns them on per page
   * (`E2EPage.forcedColors`); WebKit has none.
   */
  forcedColors?: boolean;
}

/** Launch options with `proxy` applied per engine (a flag, prefs, a WebDriver capability). */
function puppeteerOptions(engine: 'chromium' | 'firefox', profile: string, proxy: string | undefined, forced?: boolean): PLaunchOptions {
  const launch = puppeteerLaunchOptions(engine, profile);
  const base: PLaunchOptions =
    forced && engine === 'firefox'
      ? { ...launch, extraPrefsFirefox: { ...launch.extraPrefsFirefox, 'browser.display.document_color_use': 2 } }
      : launch;
  if (!proxy) return base;
  const [host, port] = proxy.split(':') as [string, string];
  if (engine === 'chromium') {
    // Chromium never sends loopback through a proxy (the e2e server stays direct).
    return {
      ...base,
      acceptInsecureCerts: true,
      args: [...(base.args ?? []), `--proxy-server=http://${proxy}`, '--ignore-certificate-errors'],
    };
  }
  return {
    ...base,
    acceptInsecureCerts: true,
    extraPrefsFirefox: {
      ...base.extraPrefsFirefox,
      'network.proxy.type': 1,
      'network.proxy.http': host,
      'network.proxy.http_port': Number(port),
      'network.proxy.ssl': host,
      'network.proxy.ssl_port': Number(port),
      'network.proxy.no_proxies_on': 'localhost, 127.0.0.1',
    },
  };
}

async function launchPuppeteer(engine: 'chromium' | 'firefox', options: LaunchOptions): Promise<E2EBrowser> {
  const profile = freshProfile(engine);
  const browser: PBrowser = await puppeteer.launch({
    ...puppeteerOptions(engine, profile, options.proxy, options.forcedColors),
    defaultViewport: options.viewport ?? { width: 1280, height: 800 },
  });
  return {
    engine,
    async newPage(o: LaunchOptions = {}) {
      const context = o.isolated ? await browser.createBrowserContext() : null;
      const page: PPage = await (context ?? browser).newPage();
      if (o.viewport) await page.setViewport(o.viewport);
      else if (context) await page.setViewport(options.viewport ?? { width: 1280, height: 800 });
      const p = new E2EPage(engine, puppeteerBackend(engine, page, context ? () => context.close() : undefined));
      page.on('pageerror', (e) => p.driverErrors.push(`pageerror: ${e instanceof Error ? e.message : String(e)}`));
      page.on('console', (m) => {
        if (m.type() === 'error') p.driverErrors.push(`console: ${m.text()}`);
      });
      return p;
    },
    async close() {
      await browser.close();
      removeProfile(profile);
    },
  };
}

function puppeteerBackend(engine: 'chromium' | 'firefox', page: PPage, closeContext?: () => Promise<void>): Backend {
  let cdp: CDPSession | undefined;
  return {
    evaluate: (expr) => page.evaluate(expr) as never,
    async click(expr) {
      const handle = (await page.evaluateHandle(expr)) as ElementHandle<Element>;
      try {
        await handle.click();
      } finally {
        await handle.dispose();
      }
    },
    // The element was focused by the caller; keys go to the focused element.
    key: (_expr, key) => page.keyboard.press(key === 'Space' ? ' ' : (key as Parameters<PPage['keyboard']['press']>[0])),
    type: (_expr, text) => page.keyboard.type(text),
    mouseMove: (x, y) => page.mouse.move(x, y),
    goto: async (url) => {
      await page.goto(url, { waitUntil: 'load' });
    },
    reload: async () => {
      await page.reload({ waitUntil: 'load' });
    },
    screenshot: async (path, fullPage) => {
      await page.screenshot({ path, fullPage });
    },
    close: async () => {
      await page.close();
      await closeContext?.();
    },
    // Puppeteer's emulateMediaFeatures refuses forced-colors; Chromium's CDP takes it (kept
    // on one session: its overrides end with it). Firefox's BiDi has no such command.
    ...(engine === 'chromium'
      ? {
          forcedColors: async (active: boolean) => {
            cdp ??= await page.createCDPSession();
            await cdp.send('Emulation.setEmulatedMedia', { features: [{ name: 'forced-colors', value: active ? 'active' : 'none' }] });
          },
        }
      : {}),
  };
}

async function launchWebKit(options: LaunchOptions): Promise<E2EBrowser> {
  if (options.proxy) throw new Error('LaunchOptions.proxy: not available for WebKit (see docs/decisions/e2e-server-witness.md)');
  const driver = await startWebKitDriver();
  const sessions: WebdriverIO.Browser[] = [];
  const viewport = options.viewport ?? { width: 1280, height: 800 };
  return {
    engine: 'webkit',
    async newPage(o: LaunchOptions = {}) {
      // One WebDriver session per page, and WebKitWebDriver allows one session at a time:
      // a new page ends the previous one (a test that failed before closing its page).
      for (const old of sessions.splice(0)) await old.deleteSession().catch(() => {});
      const b = await remote({
        hostname: '127.0.0.1',
        port: driver.port,
        path: '/',
        logLevel: 'error',
        capabilities: webkitCapabilities(),
      });
      sessions.push(b);
      await setInnerSize(b, o.viewport ?? viewport);
      return new E2EPage(
        'webkit',
        webdriverBackend(b, () => sessions.splice(sessions.indexOf(b), 1)),
      );
    },
    async close() {
      for (const b of sessions.splice(0)) await b.deleteSession().catch(() => {});
      await driver.stop();
    },
  };
}

/** Sizes the window so the page's viewport (not the window with its frame) is `size`. */
async function setInnerSize(b: WebdriverIO.Browser, size: { width: number; height: number }): Promise<void> {
  await b.setWindowSize(size.width, size.height);
  const inner = (await b.execute('return [innerWidth, innerHeight]')) as [number, number];
  const dw = size.width - inner[0];
  const dh = size.height - inner[1];
  if (dw !== 0 || dh !== 0) await b.setWindowSize(size.width + dw, size.height + dh);
}

function webdriverBackend(b: WebdriverIO.Browser, forget: () => void): Backend {
  const element = async (expr: string) => b.$(await b.execute<never, []>(`return ${expr}`));
  return {
    evaluate: (expr) => b.execute<never, []>(`return ${expr}`),
    async click(expr) {
      await (await element(expr)).click();
    },
    // Element Send Keys: the driver focuses the element and types into it (window-level
    // key actions are not delivered reliably to an unfocused MiniBrowser window under Xvfb).
    async key(expr, key) {
      const k = WEBDRIVER_KEYS[key] ?? key;
      if (expr === null) await b.keys(k);
      else await (await element(expr)).addValue(k);
    },
    async type(expr, text) {
      await (await element(expr)).addValue(text);
    },
    mouseMove: (x, y) =>
      b
        .action('pointer')
        .move({ x: Math.round(x), y: Math.round(y), origin: 'viewport' })
        .perform(),
    goto: async (url) => {
      await b.url(url);
    },
    reload: () => b.refresh(),
    screenshot: async (path) => {
      await b.saveScreenshot(path);
    },
    close: async () => {
      forget();
      await b.deleteSession();
    },
  };
}

/** Launches one engine with a fresh profile (WebKit: its own Xvfb and driver on free ports). */
export function launchEngine(engine: Engine, options: LaunchOptions = {}): Promise<E2EBrowser> {
  return engine === 'webkit' ? launchWebKit(options) : launchPuppeteer(engine, options);
}
