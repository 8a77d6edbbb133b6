// Visitor features end to end: the built demo, the real relay and the mock platform
// (streaming in real time here, so an answer can be stopped half-way), in Chromium,
// Firefox and WebKit. The server is the witness of the network (its request log says an
// answer's request was cut by the browser); a download is the file the page hands the
// browser (the object URL behind the widget's `<a download>`); init scripts are served
// in the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeViolations,
  engines,
  openIsolated,
  readmeScreenshot,
  part,
  settle,
  startDemoServer,
  type E2EPage,
  type LoggedRequest,
  type Running,
  useEngineBrowser,
} from './harness.js';

let server: Running;

beforeAll(async () => {
  server = await startDemoServer({ MOCK_REALTIME: '1', MOCK_SEED: '7' });
});

afterAll(async () => {
  await server?.close();
});

async function idle(page: E2EPage, host = 'indigo-chat') {
  await page.waitForFunction(
    (h: string) => {
      const root = document.querySelector(h)?.shadowRoot;
      return (
        !!root &&
        !root.querySelector('[part~="typing"]') &&
        root.querySelectorAll('[part~="message-bot"]').length > 0 &&
        !root.querySelector('[aria-busy="true"]') &&
        !root.querySelector('[part~="stop"]')
      );
    },
    host,
    { timeout: 60_000 },
  );
}

/**
 * Records the files the page hands to the browser's download (an `<a download>` on an
 * object URL of a Blob, clicked): name, type and content. The browser's own save step is not under test
 * (and would write into the home folder), so the click stops there.
 */
function watchDownloads(page: E2EPage): Promise<unknown> {
  return page.evaluate(() => {
    const g = window as unknown as { __downloads: { name: string; type: string; text: string | null }[] };
    g.__downloads = [];
    // The object URLs the page makes, with their Blob (the page's CSP keeps fetch() off blob: URLs).
    const blobs = new Map<string, Blob>();
    const create = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (obj: Blob | MediaSource) => {
      const url = create(obj);
      if (obj instanceof Blob) blobs.set(url, obj);
      return url;
    };
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with .call(this) below
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      const blob = blobs.get(this.href);
      if (!this.hasAttribute('download') || !blob) return click.call(this);
      const entry = { name: this.download, type: blob.type, text: null as string | null };
      g.__downloads.push(entry);
      void blob.text().then((t) => (entry.text = t));
    };
    return true;
  });
}
const downloads = (page: E2EPage) =>
  page.evaluate<{ name: string; type: string; text: string | null }[]>(
    () => (window as unknown as { __downloads: { name: string; type: string; text: string | null }[] }).__downloads,
  );

describe.each(engines)('visitor features through the real relay in %s', (engine) => {
  const browser = useEngineBrowser(engine);

  const openPage = async (path: string, options: { viewport?: { width: number; height: number }; init?: string } = {}) =>
    (await openIsolated(browser(), server, path, options)).page;

  it('teaser beside the closed launcher, then stop an answer half-way: the stream is aborted and what was shown stays', async () => {
    const page = await openPage('/index.html');
    await page.locator(part('teaser')).waitFor({ timeout: 10_000 });
    await readmeScreenshot(page, 'teaser');
    await page.locator(part('launcher')).click();
    await expect.poll(() => page.locator(part('teaser')).count()).toBe(0);
    await idle(page);

    const from = server.requests.length;
    const answer = () => server.requests.slice(from).find((r: LoggedRequest) => r.method === 'POST' && /^\/api\/chat$/.test(r.path));
    await page.locator(part('input')).fill('Tell me everything about commuting bikes');
    await page.locator(part('input')).press('Enter');
    // Stop once the LLM answer has started to show.
    await page.waitForFunction(
      () => {
        const root = document.querySelector('indigo-chat')?.shadowRoot;
        const busy = root?.querySelector('[part~="message-bot"][aria-busy="true"] [part~="bubble"]');
        return (busy?.textContent?.trim().length ?? 0) > 20;
      },
      undefined,
      { timeout: 30_000 },
    );
    expect(answer()?.doneSeq).toBeUndefined(); // still streaming
    await page.locator(part('stop')).click();
    await page.locator(part('send')).waitFor();
    const last = page.locator(part('message-bot')).last();
    await expect.poll(() => last.locator('.status').textContent()).toBe('Stopped');
    // What arrived before Stop, all of it on screen (a long final commit takes frames; WebKit
    // on loaded cores read it a segment short and then saw it "change").
    await idle(page);
    const shown = await last.locator('[part~="bubble"]').first().textContent();
    expect(shown!.trim().length).toBeGreaterThan(20);
    // The browser cut the request: the server saw its answer end unsent.
    await expect.poll(() => answer()?.doneSeq !== undefined).toBe(true);
    expect(answer()?.aborted).toBe(true);
    await settle(1000);
    expect(await last.locator('[part~="bubble"]').first().textContent()).toBe(shown); // nothing more arrived
    await readmeScreenshot(page, 'stopped');
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.errors()).toEqual([]);
    await page.close();
  });

  it('downloads the transcript from the header menu as .txt and standalone .html', async () => {
    const page = await openPage('/inline.html');
    await idle(page, '#help-inline');
    await page.locator(part('input', '#help-inline')).fill('Do you deliver to Milan?');
    await page.locator(part('input', '#help-inline')).press('Enter');
    await idle(page, '#help-inline');
    await watchDownloads(page);
    await page.locator(part('menu', '#help-inline')).click();
    await readmeScreenshot(page, 'menu-download');
    await page.locator(`${part('download', '#help-inline')}[data-format="txt"]`).click();
    await expect.poll(async () => (await downloads(page))[0]?.text ?? null).not.toBeNull();
    const [txt] = await downloads(page);
    expect(txt!.name).toMatch(/^help-centre-indigo-bikes-\d{4}-\d\d-\d\d\.txt$/);
    expect(txt!.text).toContain('Do you deliver to Milan?');
    await page.locator(part('menu', '#help-inline')).click();
    await page.locator(`${part('download', '#help-inline')}[data-format="html"]`).click();
    await expect.poll(async () => (await downloads(page))[1]?.text ?? null).not.toBeNull();
    const html = (await downloads(page))[1]!;
    expect(html.name).toMatch(/\.html$/);
    const markup = html.text!;
    expect(markup).not.toMatch(/<script|<img|\son\w+=/i);
    expect(await page.errors()).toEqual([]);
    await page.close();

    // Opened on its own, the file shows the conversation and loads nothing: served under a
    // CSP that blocks and reports every load from another origin (images from this one are
    // let through, for the browser's own favicon request), so the server's log witnesses all.
    const viewerPath = '/__e2e/transcript.html';
    const reports: string[] = [];
    const unreport = server.route(
      (r) => r.path === '/__e2e/csp-report',
      async (req, res) => {
        let body = '';
        for await (const chunk of req) body += String(chunk);
        reports.push(body);
        res.writeHead(204).end();
      },
    );
    const unroute = server.route(
      (r) => r.path === viewerPath,
      (_req, res) => {
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; report-uri /__e2e/csp-report",
        });
        res.end(markup);
      },
    );
    try {
      const viewer = await browser().newPage({ isolated: true });
      const from = server.requests.length;
      await viewer.goto(`${server.url}${viewerPath}`);
      expect(await viewer.locator('li').count()).toBeGreaterThanOrEqual(3);
      await settle(500);
      expect(reports).toEqual([]);
      // The document itself, and the browser's own favicon request; nothing the file asked for.
      expect(
        server.requests
          .slice(from)
          .map((r) => `${r.method} ${r.path}`)
          .filter((r) => r !== 'GET /favicon.ico'),
      ).toEqual([`GET ${viewerPath}`]);
      await viewer.close();
    } finally {
      unroute();
      unreport();
    }
  });

  it('forced colors (Windows High Contrast): every bubble keeps a visible edge when backgrounds go', async () => {
    const page = await openPage('/inline.html');
    const host = '#help-inline';
    await idle(page, host);
    await page.locator(part('input', host)).fill('Do you deliver to Milan?');
    await page.locator(part('input', host)).press('Enter');
    await idle(page, host);
    // Chromium renders real forced colors (CDP); Firefox and WebKit check the edge the style declares.
    const forced = await page.forcedColors(true);
    const edges = await page.evaluate<{ what: string; style: string; width: number; color: string; forced: boolean }[]>((h: string) => {
      const root = document.querySelector(h)!.shadowRoot!;
      const user = root.querySelector('[part~="message-user"] .user-bubble')!;
      const bot = [...root.querySelectorAll('[part~="message-bot"] [part~="bubble"]')].pop()!;
      return [
        ['user bubble', user],
        ['bot bubble', bot],
      ].map(([what, el]) => {
        const cs = getComputedStyle(el as Element);
        // Whichever of border or outline draws the edge (the border when it has one).
        const border = cs.borderTopStyle === 'solid' && parseFloat(cs.borderTopWidth) >= 1;
        return {
          what: what as string,
          style: border ? cs.borderTopStyle : cs.outlineStyle,
          width: parseFloat(border ? cs.borderTopWidth : cs.outlineWidth),
          color: border ? cs.borderTopColor : cs.outlineColor,
          forced: matchMedia('(forced-colors: active)').matches,
        };
      });
    }, host);
    for (const e of edges) {
      expect(`${e.what}: ${e.style}`).toBe(`${e.what}: solid`);
      expect(e.width, e.what).toBeGreaterThanOrEqual(1);
      expect(e.forced).toBe(forced);
      // Painted by the system's colour under forced colors: opaque, never the transparent it declares.
      if (forced) expect(e.color, e.what).toMatch(/^rgb\(/);
    }
    if (forced) await readmeScreenshot(page, 'forced-colors');
    await page.forcedColors(false);
    expect(await page.errors()).toEqual([]);
    await page.close();

    // The launcher's floating panel: its shadow is dropped under forced colors, its outline stays.
    const home = await openPage('/index.html');
    await home.locator(part('launcher')).click();
    await idle(home);
    const homeForced = await home.forcedColors(true);
    const panel = await home.evaluate<{ style: string; width: number; color: string }>(() => {
      const cs = getComputedStyle(document.querySelector('indigo-chat')!.shadowRoot!.querySelector('[part~="panel"]')!);
      return { style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), color: cs.outlineColor };
    });
    expect(panel.style).toBe('solid');
    expect(panel.width).toBeGreaterThanOrEqual(1);
    if (homeForced) expect(panel.color).toMatch(/^rgb\(/);
    await home.forcedColors(false);
    await home.close();
  });

  it('languages page: lang="auto" and Arabic right to left, axe-clean', async () => {
    const page = await openPage('/languages.html', {
      init: "Object.defineProperty(Navigator.prototype, 'languages', { get: () => ['es-MX', 'en'] });",
    });
    await idle(page, '#lang-auto');
    await idle(page, '#lang-ar');
    await expect.poll(() => page.locator(part('send', '#lang-auto')).getAttribute('aria-label')).toBe('Enviar');
    await expect.poll(() => page.locator(part('send', '#lang-ar')).getAttribute('aria-label')).toBe('إرسال');
    expect(await page.locator('#lang-ar').evaluate((el) => el.shadowRoot!.querySelector('.root')!.getAttribute('dir'))).toBe('rtl');
    await readmeScreenshot(page, 'languages-rtl', { fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.errors()).toEqual([]);
    await page.close();
  });

  it('phone: the panel is a modal dialog; the page behind is inert and does not scroll; Escape returns to the launcher', async () => {
    const page = await openPage('/index.html', { viewport: { width: 390, height: 844 } });
    await page.locator(part('launcher')).click();
    await idle(page);
    expect(await page.locator(part('panel')).evaluate((el) => el.tagName === 'DIALOG' && el.matches(':modal'))).toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).toBe('hidden');
    const fontSize = await page.locator(part('input')).evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(16);
    // Focus never reaches the host page's links while the panel is open (past the panel's
    // last control it leaves for the browser's own UI, where document.activeElement is body).
    expect(await page.locator('header.site a').count()).toBeGreaterThan(0);
    let inside = 0;
    for (let i = 0; i < 24; i++) {
      await pressTab(page);
      const tag = await page.evaluate(() => document.activeElement?.tagName);
      expect(['INDIGO-CHAT', 'BODY']).toContain(tag);
      if (tag === 'INDIGO-CHAT') inside++;
    }
    expect(inside).toBeGreaterThan(10);
    expect(await axeViolations(page)).toEqual([]);
    await readmeScreenshot(page, 'mobile-modal');
    await page.locator(part('input')).press('Escape');
    await page.locator(part('panel')).waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.querySelector('indigo-chat')?.shadowRoot?.activeElement?.getAttribute('part'))).toContain(
      'launcher',
    );
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).not.toBe('hidden');
    expect(await page.errors()).toEqual([]);
    await page.close();
  });
});

/**
 * Tab from whatever has focus. WebKit gets it as Element Send Keys on the focused element
 * (window-level keys do not reach MiniBrowser reliably under Xvfb, see driver.ts).
 */
async function pressTab(page: E2EPage): Promise<void> {
  const focused = page.locator('*:focus').last();
  if (page.engine === 'webkit' && (await focused.count()) > 0) await focused.press('Tab');
  else await page.keyboard.press('Tab');
}
