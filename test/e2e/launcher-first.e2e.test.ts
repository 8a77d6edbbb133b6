// The script tag's launcher-first loading, through the real server and the built files:
// what the page fetches before the visitor touches the launcher, queued API calls, the
// unread badge from storage, intent loading, a second copy, and a strict CSP with Trusted
// Types. No timings here (those are in `npm run bench`).
import type { BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchErrors } from './playwright-chromium.js';
import { part, startDemoServer, type Running } from './harness.js';

// Chromium only, through playwright-core: these checks need request interception, request
// headers (Sec-Purpose), init scripts and a pointer, which the three-engine driver does not
// offer. The loader's behaviour in Firefox and WebKit is covered by the demo suite's
// script-tag test, which runs in every engine.
let server: Running;
let context: BrowserContext;

beforeAll(async () => {
  server = await startDemoServer();
  context = await launchChromium();
});

afterAll(async () => {
  await context?.close();
  await server?.close();
});

interface Seen {
  url: string;
  purpose: string | undefined;
  type: string;
}

async function open(path: string, init?: () => void): Promise<{ page: Page; errors: string[]; seen: Seen[] }> {
  const page = await context.newPage();
  const errors = watchErrors(page);
  const seen: Seen[] = [];
  page.on('request', (r: Request) => {
    r.allHeaders().then(
      (h) => seen.push({ url: r.url().replace(server.url, ''), purpose: h['sec-purpose'], type: r.resourceType() }),
      () => {}, // the page closed first
    );
  });
  // Every test starts as a first visit (the context's storage is shared between pages).
  await page.addInitScript(() => localStorage.clear());
  if (init) await page.addInitScript(init);
  await page.goto(`${server.url}${path}`);
  return { page, errors, seen };
}

const widgetChunk = (s: Seen) => s.url.startsWith('/indigo-chat/') && s.url.endsWith('.js');
const defined = (page: Page) => page.evaluate(() => customElements.get('indigo-chat') !== undefined);

describe('launcher-first script tag', () => {
  it('before any interaction: only the loader runs and the shell launcher is there; after the first input the widget is only prefetched', async () => {
    const { page, errors, seen } = await open('/script-tag.html');
    const launcher = page.locator(part('launcher'));
    await launcher.waitFor();
    expect(await launcher.getAttribute('aria-label')).toBe('Open chat');
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    // Nothing more until the visitor is there: no prefetch on a page nobody touches.
    await page.waitForTimeout(500);
    expect(await page.locator('link[rel="prefetch"]').count()).toBe(0);
    expect(seen.filter(widgetChunk)).toEqual([]);
    // First input on the page, then idle: a <link rel=prefetch> per widget file, marked by the browser.
    await page.mouse.move(20, 20);
    await page.waitForFunction(() => document.querySelectorAll('link[rel="prefetch"]').length > 0);
    await page.waitForTimeout(300);
    expect(await defined(page)).toBe(false);
    const chunkRequests = seen.filter(widgetChunk);
    expect(chunkRequests.length).toBeGreaterThan(0);
    for (const r of chunkRequests) expect(r.purpose).toBe('prefetch');
    expect(seen.filter((s) => s.type === 'script').map((s) => s.url)).toEqual(['/indigo-chat.iife.js']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('calls made before the widget loaded are queued and replayed in order', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.addInitScript(() => localStorage.clear());
    // Hold the widget chunk back until the calls are made.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route(/\/indigo-chat\/widget-[^/]+\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${server.url}/script-tag.html`);
    await page.locator(part('launcher')).waitFor();
    const answers = await page.evaluate(() => {
      const g = (window as unknown as { IndigoChat: { send(t: string): boolean; setProfile(r: object): boolean; open(): void } })
        .IndigoChat;
      const r = [g.setProfile({ plan: 'pro' }), g.send('Queued before the widget')];
      g.open();
      return r;
    });
    expect(answers).toEqual([true, true]);
    expect(await defined(page)).toBe(false);
    release();
    await page.locator(part('panel')).waitFor({ state: 'visible' });
    await page.locator(part('message-user'), { hasText: 'Queued before the widget' }).waitFor();
    expect(await page.locator(part('launcher')).getAttribute('aria-expanded')).toBe('true');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('hover or focus fetches the widget without defining it; a click opens it with focus in the composer', async () => {
    const { page, errors, seen } = await open('/script-tag.html', () => {
      // No idle prefetch in this test: only intent may fetch.
      Object.defineProperty(navigator, 'connection', { value: { saveData: true } });
    });
    const launcher = page.locator(part('launcher'));
    await launcher.waitFor();
    await page.waitForTimeout(300);
    expect(await page.locator('link[rel="prefetch"]').count()).toBe(0);
    expect(seen.filter(widgetChunk)).toEqual([]);
    await launcher.focus();
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => /\/indigo-chat\/widget-/.test(e.name)));
    expect(await defined(page)).toBe(false);
    await page.keyboard.press('Enter');
    await page.locator(part('panel')).waitFor({ state: 'visible' });
    await page.waitForFunction(() => document.querySelector('indigo-chat')?.shadowRoot?.activeElement?.getAttribute('part') === 'input');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the shell shows the saved unread count and the widget keeps it', async () => {
    const { page, errors } = await open('/script-tag.html', () => {
      localStorage.setItem('indigo-chat:v1:/api/chat#:launcher', JSON.stringify({ open: false, unread: 7 }));
    });
    const badge = page.locator(part('badge'));
    await badge.waitFor();
    expect(await badge.textContent()).toBe('7');
    expect(await page.locator(part('launcher')).getAttribute('aria-label')).toBe('Open chat, 7 unread messages');
    expect(await defined(page)).toBe(false);
    // A call that needs the widget without opening it: the real launcher takes over the count.
    await page.evaluate(() =>
      (window as unknown as { IndigoChat: { setProfile(r: object): boolean } }).IndigoChat.setProfile({ plan: 'pro' }),
    );
    await page.waitForFunction(() => customElements.get('indigo-chat') !== undefined);
    await page.waitForFunction(() =>
      document.querySelector('indigo-chat')?.shadowRoot?.querySelector('[part~="launcher"]')?.getAttribute('aria-controls'),
    );
    // Restored 7, plus whatever the welcome (started by setProfile) added meanwhile.
    expect(Number(await badge.textContent())).toBeGreaterThanOrEqual(7);
    expect(await page.locator(part('launcher')).getAttribute('aria-label')).toMatch(/^Open chat, \d+ unread messages$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a second copy of the script tag only warns', async () => {
    const { page, errors } = await open('/script-tag.html');
    await page.locator(part('launcher')).waitFor();
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const s = document.createElement('script');
          s.src = '/indigo-chat.iife.js?again';
          s.dataset['relay'] = '/api/chat';
          s.onload = () => resolve();
          document.body.append(s);
        }),
    );
    await page.waitForTimeout(100);
    expect(await page.locator('indigo-chat').count()).toBe(1);
    expect(warnings.some((w) => w.includes('twice'))).toBe(true);
    await page.evaluate(() => (window as unknown as { IndigoChat: { open(): void } }).IndigoChat.open());
    await page.locator(part('panel')).waitFor({ state: 'visible' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a saved conversation: the reload imports its reader beside the widget and shows it, no new session, under the strict CSP', async () => {
    const watchCsp = () => {
      const v: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => v.push(`${e.violatedDirective}: ${e.blockedURI}`));
      (globalThis as { __cspViolations?: string[] }).__cspViolations = v;
    };
    const first = await open('/script-tag-csp.html', watchCsp);
    await first.page.locator(part('launcher')).click();
    await first.page.locator(part('message-bot')).first().waitFor();
    await first.page
      .locator(`${part('quick-replies')} [part~="button"]`)
      .first()
      .click();
    await first.page.waitForFunction(
      () => (document.querySelector('indigo-chat')?.shadowRoot?.querySelectorAll('[part~="message-bot"]').length ?? 0) >= 2,
    );
    await first.page.waitForFunction(() => localStorage.getItem('indigo-chat:v1:/api/chat#') !== null);
    expect(first.errors).toEqual([]);
    await first.page.close();

    // The next page view (storage kept): the panel was left open, so the loader fetches the
    // widget at once, and the saved conversation's reader with it.
    const page = await context.newPage();
    const errors = watchErrors(page);
    const requests: string[] = [];
    const events: string[] = [];
    page.on('request', (r) => {
      requests.push(r.url().replace(server.url, ''));
      events.push(`request ${r.url()}`);
    });
    page.on('requestfinished', (r) => events.push(`finished ${r.url()}`));
    await page.addInitScript(watchCsp);
    await page.goto(`${server.url}/script-tag-csp.html`);
    await page.waitForFunction(
      () => (document.querySelector('indigo-chat')?.shadowRoot?.querySelectorAll('[part~="message-bot"]').length ?? 0) >= 2,
    );
    expect(await page.locator(part('panel')).isVisible()).toBe(true);
    // In parallel: the reader is requested before the widget chunk has even arrived.
    const codec = events.findIndex((e) => /^request .*\/indigo-chat\/persist-codec-[^/]+\.js$/.test(e));
    const widget = events.findIndex((e) => /^finished .*\/indigo-chat\/widget-[^/]+\.js$/.test(e));
    expect(codec).toBeGreaterThanOrEqual(0);
    expect(widget).toBeGreaterThan(codec);
    expect(requests.filter((u) => u.startsWith('/api/chat'))).toEqual([]); // no new session, no welcome
    expect(await page.evaluate(() => (globalThis as { __cspViolations?: string[] }).__cspViolations)).toEqual([]);
    expect(errors).toEqual([]);
    await page.evaluate(() => localStorage.clear());
    await page.close();
  });

  it("a page in French: the loader imports the pack beside the widget and the element's first render is French", async () => {
    const { page, errors } = await open('/script-tag.html', () => {
      // The site's tag says data-lang="fr" (set before the async script runs).
      new MutationObserver((_, mo) => {
        const s = document.querySelector('script[src$="indigo-chat.iife.js"]');
        if (s) {
          s.setAttribute('data-lang', 'fr');
          mo.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
      void customElements.whenDefined('indigo-chat').then(async () => {
        const el = document.querySelector('indigo-chat') as HTMLElement & { updateComplete: Promise<unknown> };
        await el.updateComplete; // the real element's first render
        (globalThis as { __first?: string | null }).__first =
          el.shadowRoot?.querySelector('[part~="launcher"]')?.getAttribute('aria-label') ?? null;
      });
    });
    const events: string[] = [];
    page.on('request', (r) => events.push(`request ${r.url()}`));
    page.on('requestfinished', (r) => events.push(`finished ${r.url()}`));
    const launcher = page.locator(part('launcher'));
    await launcher.waitFor();
    expect(await launcher.getAttribute('aria-label')).toBe('Ouvrir le chat'); // the shell's own text
    await launcher.click();
    await page.locator(part('message-bot')).first().waitFor();
    expect(await page.evaluate(() => (globalThis as { __first?: string | null }).__first)).toBe('Ouvrir le chat');
    // In parallel: the pack is requested before the widget chunk has even arrived.
    const pack = events.findIndex((e) => /^request .*\/indigo-chat\/fr-[^/]+\.js$/.test(e));
    const widget = events.findIndex((e) => /^finished .*\/indigo-chat\/widget-[^/]+\.js$/.test(e));
    expect(pack).toBeGreaterThanOrEqual(0);
    expect(widget).toBeGreaterThan(pack);
    expect(errors).toEqual([]);
    await page.close();
  });

  // Chromium has the HTML Sanitizer API: DOMPurify is never fetched. Without it (as in
  // WebKit/Safari, simulated by removing the API) the DOMPurify chunk loads on open, and
  // both work under the strict CSP with Trusted Types (docs/decisions/native-sanitizer.md).
  for (const native of [true, false]) {
    it(`strict CSP (script-src self) with Trusted Types: the loader and its chunks work with zero violations (${native ? 'native sanitizer' : 'DOMPurify fallback'})`, async () => {
      const { page, errors, seen } = await open('/script-tag-csp.html', () => {
        const v: string[] = [];
        document.addEventListener('securitypolicyviolation', (e) => v.push(`${e.violatedDirective}: ${e.blockedURI}`));
        (globalThis as { __cspViolations?: string[] }).__cspViolations = v;
      });
      if (!native) await page.addInitScript(() => delete (window as { Sanitizer?: unknown }).Sanitizer);
      if (!native) await page.reload();
      await page.locator(part('launcher')).click();
      await page.locator(part('panel')).waitFor({ state: 'visible' });
      await page.locator(part('message-bot')).first().waitFor();
      await page
        .locator(`${part('quick-replies')} [part~="button"]`)
        .first()
        .click();
      await page.waitForFunction(
        () => (document.querySelector('indigo-chat')?.shadowRoot?.querySelectorAll('[part~="message-bot"]').length ?? 0) >= 2,
      );
      expect(await page.evaluate(() => (globalThis as { __cspViolations?: string[] }).__cspViolations)).toEqual([]);
      expect(seen.some((r) => /\/indigo-chat\/sanitize-dompurify-[^/]+\.js$/.test(r.url))).toBe(!native);
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
