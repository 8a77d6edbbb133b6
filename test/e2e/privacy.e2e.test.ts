// Issue 7 end to end, on the built demo through the real relay and mock platform, in
// Chromium, Firefox and WebKit: a page load with the launcher untouched makes no request
// beyond the page's own files and writes no storage; hostile bot HTML makes no request to
// a host outside the allowlist; the AI disclosure, the consent notice and the click-to-load
// placeholder, screenshotted for the README; security headers.
//
// Witnesses, the same in every engine: the demo server's request log (harness.ts) for the
// page's own origin, and a logging proxy (foreign-proxy.ts) that each browser sends every
// other request through (answered there with a 1x1 PNG, no DNS needed). WebKit has no
// such proxy (driver.ts): there the other-host checks are left out, and the hostile-HTML
// test, which is about other hosts, runs in Chromium and Firefox. The storage spy is served in
// the page itself, before its scripts.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { appendOnlyGeneration, ATTACKER, PNG, VECTORS } from '../../src/html/hostile-html.test-helper.js';
import { startForeignProxy, type ForeignProxy } from './foreign-proxy.js';
import {
  axeViolations,
  engines,
  launchEngine,
  openIsolated,
  part,
  screenshot,
  settle,
  startDemoServer,
  type E2EBrowser,
  type LoggedRequest,
  type Running,
} from './harness.js';

let server: Running;

beforeAll(async () => {
  server = await startDemoServer();
});

afterAll(async () => {
  await server?.close();
});

/** Counts every storage write the page makes (served first in the page, before its scripts). */
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

const pathOf = (r: LoggedRequest) => r.path.replace(/\?.*$/, '');
/** The page's own static files: the document, its CSS, favicon and the widget's script files. */
const isPageFile = (r: LoggedRequest) =>
  pathOf(r).startsWith('/__e2e/') || // the test's own init script
  (r.method === 'GET' &&
    /^\/(?:[\w-]+\.html)?$|^\/assets\/[\w.-]+\.(?:js|css)$|^\/favicon\.svg$|^\/indigo-chat\.iife\.js$/.test(pathOf(r)));

/** A relay answer of canonical SSE. */
function sse(chunks: object[]): string {
  return chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('');
}

describe.each(engines)('privacy on the built demo in %s', (engine) => {
  let browser: E2EBrowser;
  let proxy: ForeignProxy;

  /** Whether the proxy witnesses requests to other hosts in this engine. */
  const witnessed = engine !== 'webkit';

  beforeAll(async () => {
    proxy = await startForeignProxy(PNG);
    browser = await launchEngine(engine, witnessed ? { proxy: proxy.address } : {});
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
  });

  /** `path` in a page of its own (harness.openIsolated), the proxy's log emptied first. */
  const open = (path: string, init?: string) => {
    proxy.requests.splice(0);
    return openIsolated(browser, server, path, { init });
  };

  describe('nothing before the visitor acts', () => {
    for (const path of ['/index.html', '/script-tag.html']) {
      it(`${path}: the launcher untouched makes no request beyond the page's files and writes no storage`, async () => {
        const { page, view } = await open(path, STORAGE_SPY);
        await page.locator(part('launcher')).waitFor();
        // Give timers, observers and idle callbacks their chance, then leave the page state behind.
        await settle(500);
        await page.evaluate(() => dispatchEvent(new PageTransitionEvent('pagehide')));
        await settle(100);
        expect(
          view()
            .filter((r) => !isPageFile(r))
            .map((r) => `${r.method} ${r.path}`),
        ).toEqual([]);
        if (witnessed) expect(proxy.requests).toEqual([]); // nothing to any other host
        const state = await page.evaluate(async () => ({
          writes: (window as unknown as { __storageWrites: string[] }).__storageWrites,
          local: localStorage.length,
          session: sessionStorage.length,
          cookie: document.cookie,
          // -1: no answer in 5 s (a hung engine fails here with a name, not a test timeout).
          idb: await Promise.race([indexedDB.databases().then((d) => d.length), new Promise<number>((r) => setTimeout(() => r(-1), 5000))]),
        }));
        expect(state).toEqual({ writes: [], local: 0, session: 0, cookie: '', idb: 0 });
        // No cookie was set by an answer, and none went back.
        expect(view().filter((r) => r.responseHeaders?.['set-cookie'] !== undefined || r.headers.cookie !== undefined)).toEqual([]);

        // The log sees the widget the moment the visitor acts.
        await page.locator(part('launcher')).click();
        await page.locator(part('message-bot')).first().waitFor();
        expect(view().some((r) => pathOf(r) === '/api/chat/session')).toBe(true);
        await expect.poll(() => page.evaluate(() => localStorage.length)).toBeGreaterThan(0);
        expect(await page.errors()).toEqual([]);
        await page.close();
      });
    }
  });

  describe("a restored conversation before this page's first open", () => {
    it('a video from an earlier visit fetches nothing until the visitor opens the chat on this page', async () => {
      // The clip is never answered here (held until the test ends): Firefox replays a clip it
      // has decoded, after a reload too, without a request, which would hide a fetch from the
      // log; and a clip that fails becomes a link (video.ts). A clip still loading is neither.
      const isClip = (r: LoggedRequest) => /\/sample\.mp4$/.test(pathOf(r));
      const held = server.hold(isClip);
      onTestFinished(() => held.release());
      const { page } = await open('/index.html');
      const clip = 'indigo-chat video[part~="video"]';
      await page.locator(part('launcher')).click();
      await page.locator(part('button'), { hasText: 'Play a video' }).click();
      await page.locator(clip).first().waitFor();
      await page.locator(part('close')).click();
      await settle(300);
      const from = server.requests.length;
      await page.reload();
      await page.locator(part('launcher')).waitFor();
      // The conversation is restored with the panel closed: its video is in the page, not fetched
      // (WebKit renders no bot message before the sanitizer's chunk, fetched on open: none yet).
      if (engine !== 'webkit') await expect.poll(() => page.locator(clip).count()).toBe(1);
      await settle(800);
      const since = () => server.requests.slice(from);
      expect(
        since()
          .filter(isClip)
          .map((r) => `${r.method} ${r.path}`),
      ).toEqual([]);
      const before = await page.locator(clip).count();
      expect(before).toBe(engine === 'webkit' ? 0 : 1);
      if (before) expect(await page.locator(clip).first().getAttribute('preload')).toBe('none');
      // Opened: the video may show its first frame and length (preload="metadata").
      await page.locator(part('launcher')).click();
      await expect.poll(() => page.locator(clip).first().getAttribute('preload')).toBe('metadata');
      await expect.poll(() => since().some(isClip)).toBe(true);
      expect(await page.errors()).toEqual([]);
      await page.close();
    });
  });

  describe('hostile bot HTML (real relay session, answers replaced at the server)', () => {
    // Not in WebKit: no proxy there (driver.ts), so nothing would witness the attacker's host.
    it.skipIf(!witnessed)(
      'no request to a host outside the allowlist, in static text or a generation; a click loads one image',
      async () => {
        const all = VECTORS.map((v) => v.html).join('');
        const replies = [
          sse([
            { type: 'processing.start' },
            { type: 'text', data: { text: `<p>Here is your chart:</p>${all}` } },
            { type: 'processing.end' },
          ]),
          sse(appendOnlyGeneration('h1', all)),
        ];
        // The session comes from the real relay (it announces the platform media origin);
        // the answers are hostile.
        const unroute = server.route(
          (r) => r.method === 'POST' && pathOf(r) === '/api/chat',
          (_req, res) => {
            res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
            res.end(replies.shift() ?? sse([{ type: 'processing.start' }, { type: 'processing.end' }]));
          },
        );
        try {
          const { page, view } = await open('/index.html');
          await page.evaluate(() => document.querySelector('indigo-chat')!.setAttribute('delta-unit', 'utf16'));
          await page.locator(part('launcher')).click();
          await page.locator(part('blocked-media')).first().waitFor();
          await page.locator(part('input')).fill('show me more');
          await page.locator(part('input')).press('Enter');
          const images = VECTORS.filter((v) => v.img).length * 2;
          await expect.poll(() => page.locator(part('blocked-media')).count()).toBeGreaterThanOrEqual(images);
          await expect.poll(() => view().filter((r) => r.method === 'POST' && pathOf(r) === '/api/chat').length).toBe(2);
          await settle(500);
          // Nothing went to another host (the proxy sees every such request, the tunnel included).
          expect(proxy.requests).toEqual([]);
          await screenshot(page, 'blocked-media');
          const axe = await axeViolations(page);
          expect(axe, JSON.stringify(axe)).toEqual([]);

          // One click loads exactly that image, and nothing else (the latest answer's first
          // image: the first answer may be scrolled out of view, content-visibility skipped).
          const first = page.locator(part('message-bot')).last().locator('[part~="blocked-media"] button').first();
          expect(await first.textContent()).toContain('attacker.example');
          await first.click();
          await expect
            .poll(() =>
              page.evaluate(() => {
                const root = document.querySelector('indigo-chat')!.shadowRoot!;
                const img = [...root.querySelectorAll('img')].find((i) => i.src.startsWith('https://attacker.example/'));
                return img ? img.complete && img.naturalWidth : 0;
              }),
            )
            .toBe(1);
          expect(proxy.requests).toEqual([`CONNECT ${new URL(ATTACKER).host}:443`, `GET ${ATTACKER}/p.gif?d=secret`]);
          // The demo's own CSP also refuses what the hostile HTML tries while DOMPurify parses it
          // in its inert document (`<base href>`, inline `style`): reported, blocked, harmless.
          expect((await page.errors()).filter((e) => !/Content.Security.Policy|CSP/i.test(e))).toEqual([]);
          await page.close();
        } finally {
          unroute();
        }
      },
    );
  });

  describe('AI disclosure and consent', () => {
    it('the disclosure line opens the conversation (screenshot for the README)', async () => {
      const { page } = await open('/index.html');
      await page.locator(part('launcher')).click();
      await page.locator(part('message-bot')).first().waitFor();
      expect(await page.locator(part('disclosure')).textContent()).toContain("You're chatting with an AI assistant");
      await page.waitForFunction(() => !document.querySelector('indigo-chat')!.shadowRoot!.querySelector('[part~="typing"]'));
      await screenshot(page, 'ai-disclosure');
      await page.close();
    });

    it('consent="required": the notice, axe-clean, nothing sent before Accept (screenshot)', async () => {
      const { page, view } = await open('/index.html');
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
      expect(view().filter((r) => r.path.includes('/api/chat'))).toEqual([]);
      expect(await page.evaluate(() => localStorage.length)).toBe(0);
      await page.locator(part('consent-accept')).click();
      await page.locator(part('message-bot')).first().waitFor();
      expect(view().some((r) => r.path.includes('/api/chat'))).toBe(true);
      await expect.poll(() => page.evaluate(() => localStorage.length)).toBeGreaterThan(0);
      if (witnessed) expect(proxy.requests).toEqual([]);
      await page.close();
    });
  });
});

// Response headers: no browser needed, fetched from Node.
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
