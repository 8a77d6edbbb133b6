// Issue 7 end to end, on the built demo through the real relay and mock platform: a page
// load with the launcher untouched makes no request beyond the page's own files and writes
// no storage; hostile bot HTML makes no request to a host outside the allowlist (browser
// network monitor: every request the page makes); the AI disclosure, the consent notice
// and the click-to-load placeholder, screenshotted for the README; security headers.
//
// Chromium only, through playwright-core directly: these tests need a network monitor
// and request routing at the browser level (every request the page makes, including a
// foreign host answered without DNS), which the three-engine driver (./driver.ts) does not
// offer. The element-level checks run in all three engines (src/**/privacy.browser.test.ts,
// src/html/media-gate.browser.test.ts).
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendOnlyGeneration, ATTACKER, PNG, VECTORS } from '../../src/html/hostile-html.test-helper.js';
import { launchChromium, watchErrors } from './playwright-chromium.js';
import { part, startDemoServer, type Running } from './harness.js';

let server: Running;
let context: BrowserContext;

beforeAll(async () => {
  server = await startDemoServer();
  context = await launchChromium();
});

/** README screenshots, as the harness does: docs/screenshots/chromium/, only with UPDATE_SCREENSHOTS=1. */
async function screenshot(target: Page | ReturnType<Page['locator']>, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  const path = resolve(import.meta.dirname, '../../docs/screenshots/chromium', `${name}.png`);
  mkdirSync(dirname(path), { recursive: true });
  await target.screenshot({ path });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core (WCAG 2.0-2.2 A/AA), shadow roots included. */
async function axeViolations(page: Page): Promise<{ id: string; nodes: string[] }[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> };
      }
    ).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
}

afterAll(async () => {
  await context?.close();
  await server?.close();
});

/** Counts every storage write the page makes (installed before any page script runs). */
const STORAGE_SPY = `(() => {
  const writes = [];
  Object.defineProperty(window, '__storageWrites', { value: writes });
  const proto = Storage.prototype;
  for (const name of ['setItem', 'removeItem', 'clear']) {
    const original = proto[name];
    proto[name] = function (...args) { writes.push(name + ' ' + String(args[0] ?? '')); return original.apply(this, args); };
  }
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true,
    get() { return cookie.get.call(this); },
    set(v) { writes.push('cookie ' + v); cookie.set.call(this, v); },
  });
  const open = IDBFactory.prototype.open;
  IDBFactory.prototype.open = function (...args) { writes.push('indexedDB ' + args[0]); return open.apply(this, args); };
})();`;

/**
 * A page on a clean origin: the browser context is shared by the suite, so storage other
 * tests left behind is cleared first (on a plain file of the origin, before the spy and
 * the request log start).
 */
async function freshPage(): Promise<{ page: Page; requests: Request[]; errors: string[] }> {
  const page = await context.newPage();
  await page.goto(`${server.url}/favicon.svg`);
  await page.evaluate(() => {
    localStorage.clear();
    sessionStorage.clear();
  });
  await context.clearCookies();
  await page.addInitScript(STORAGE_SPY);
  const requests: Request[] = [];
  page.on('request', (r) => requests.push(r));
  const errors = watchErrors(page);
  return { page, requests, errors };
}

/** The page's own static files: the document, its CSS, favicon and the widget's script files. */
function isPageFile(url: string): boolean {
  const u = new URL(url);
  if (u.origin !== server.url) return false;
  return /^\/(?:[\w-]+\.html)?$|^\/assets\/[\w.-]+\.(?:js|css)$|^\/favicon\.svg$|^\/indigo-chat\.iife\.js$/.test(u.pathname);
}

describe('nothing before the visitor acts (built demo)', () => {
  for (const path of ['/index.html', '/script-tag.html']) {
    it(`${path}: the launcher untouched makes no request beyond the page's files and writes no storage`, async () => {
      const { page, requests, errors } = await freshPage();
      await page.goto(`${server.url}${path}`, { waitUntil: 'networkidle' });
      await page.locator(part('launcher')).waitFor();
      // Give timers, observers and idle callbacks their chance, then leave the page state behind.
      await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
      await page.evaluate(() => dispatchEvent(new PageTransitionEvent('pagehide')));
      const foreign = requests.map((r) => r.url()).filter((u) => !isPageFile(u));
      expect(foreign).toEqual([]);
      const state = await page.evaluate(async () => ({
        writes: (window as unknown as { __storageWrites: string[] }).__storageWrites,
        local: localStorage.length,
        session: sessionStorage.length,
        cookie: document.cookie,
        idb: (await indexedDB.databases()).length,
      }));
      expect(state).toEqual({ writes: [], local: 0, session: 0, cookie: '', idb: 0 });
      expect(await context.cookies(server.url)).toEqual([]);

      // The monitor sees the widget the moment the visitor acts.
      await page.locator(part('launcher')).click();
      await page.locator(part('message-bot')).first().waitFor();
      expect(requests.some((r) => r.url().endsWith('/api/chat/session'))).toBe(true);
      await expect.poll(() => page.evaluate(() => localStorage.length)).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});

/** A relay answer of canonical SSE. */
function sse(chunks: object[]): string {
  return chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('');
}

describe('hostile bot HTML (built demo, real relay session, answers replaced on the wire)', () => {
  it('no request to a host outside the allowlist, in static text or a generation; a click loads one image', async () => {
    const { page, requests, errors } = await freshPage();
    const attacker: string[] = [];
    await page.route(`${ATTACKER}/**`, (route) => {
      attacker.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'image/png', body: Buffer.from(PNG) });
    });
    const all = VECTORS.map((v) => v.html).join('');
    const replies = [
      sse([{ type: 'processing.start' }, { type: 'text', data: { text: `<p>Here is your chart:</p>${all}` } }, { type: 'processing.end' }]),
      sse(appendOnlyGeneration('h1', all)),
    ];
    // The session comes from the real relay (it announces the platform media origin);
    // the answers are hostile.
    await page.route(`${server.url}/api/chat`, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/event-stream',
        body: replies.shift() ?? sse([{ type: 'processing.start' }, { type: 'processing.end' }]),
      }),
    );
    await page.goto(`${server.url}/index.html`);
    await page.evaluate(() => document.querySelector('indigo-chat')!.setAttribute('delta-unit', 'utf16'));
    await page.locator(part('launcher')).click();
    await page.locator(part('blocked-media')).first().waitFor();
    await page.locator(part('input')).fill('show me more');
    await page.locator(part('input')).press('Enter');
    await expect.poll(() => page.locator(part('blocked-media')).count()).toBeGreaterThanOrEqual(VECTORS.filter((v) => v.img).length * 2);
    await page.waitForLoadState('networkidle');
    // Everything the page requested stayed on the demo's origin.
    const outside = requests.map((r) => r.url()).filter((u) => new URL(u).origin !== server.url);
    expect(outside).toEqual([]);
    expect(attacker).toEqual([]);
    await screenshot(page.locator(part('panel')), 'blocked-media');
    const axe = await axeViolations(page);
    expect(axe, JSON.stringify(axe)).toEqual([]);

    // One click loads exactly that image, and nothing else.
    const first = page.locator(`${part('blocked-media')} button`).first();
    expect(await first.textContent()).toContain('attacker.example');
    await first.click();
    await expect.poll(() => attacker.length).toBe(1);
    expect(attacker[0]).toBe(`${ATTACKER}/p.gif?d=secret`);
    await expect
      .poll(() =>
        page.evaluate(() => {
          const root = document.querySelector('indigo-chat')!.shadowRoot!;
          const img = [...root.querySelectorAll('img')].find((i) => i.src.startsWith('https://attacker.example/'));
          return img ? img.complete && img.naturalWidth : 0;
        }),
      )
      .toBe(1);
    // The demo's own CSP also refuses what the hostile HTML tries while DOMPurify parses it
    // in its inert document (`<base href>`, inline `style`): reported, blocked, harmless.
    expect(errors.filter((e) => !/Content Security Policy/.test(e))).toEqual([]);
    await page.close();
  });
});

describe('AI disclosure and consent (built demo)', () => {
  it('the disclosure line opens the conversation (screenshot for the README)', async () => {
    const { page } = await freshPage();
    await page.goto(`${server.url}/index.html`);
    await page.locator(part('launcher')).click();
    await page.locator(part('message-bot')).first().waitFor();
    const line = page.locator(part('disclosure'));
    expect(await line.textContent()).toContain("You're chatting with an AI assistant");
    await page.waitForFunction(() => !document.querySelector('indigo-chat')!.shadowRoot!.querySelector('[part~="typing"]'));
    await screenshot(page, 'ai-disclosure');
    await page.close();
  });

  it('consent="required": the notice, axe-clean, nothing sent before Accept (screenshot)', async () => {
    const { page, requests } = await freshPage();
    await page.goto(`${server.url}/index.html`);
    await page.evaluate(() => {
      const el = document.querySelector('indigo-chat')!;
      el.setAttribute('consent', 'required');
      el.setAttribute('privacy-url', '/privacy.html');
      el.setAttribute(
        'consent-text',
        'Indigo Bikes uses an AI assistant. Your messages go to our provider, indigo.ai, and the conversation is kept in this browser.',
      );
    });
    await page.locator(part('launcher')).click();
    await page.locator(part('consent')).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'consent');
    expect(requests.filter((r) => r.url().includes('/api/chat'))).toEqual([]);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await page.locator(part('consent-accept')).click();
    await page.locator(part('message-bot')).first().waitFor();
    await expect.poll(() => page.evaluate(() => localStorage.length)).toBeGreaterThan(0);
    await page.close();
  });
});

describe('security headers on the demo server', () => {
  it('every page carries CSP with frame-ancestors, referrer-policy and permissions-policy', async () => {
    for (const path of ['/', '/index.html', '/csp.html', '/indigo-chat.iife.js']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'/);
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('permissions-policy')).toMatch(/camera=\(\)/);
    }
  });
});
