// Visitor features end to end: the built demo, the real relay and the mock platform
// (streaming in real time here, so an answer can be stopped half-way), Debian's Chromium.
// Chromium only, through playwright-core: these tests need downloads, request events and
// init scripts, which the three-engine driver (driver.ts) does not offer; the same
// features run in all three engines in the browser suite (visitor.browser.test.ts).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchErrors } from './playwright-chromium.js';
import { axeViolations, part, startDemoServer, type E2EPage, type Running } from './harness.js';

const screenshotDir = join(resolve(import.meta.dirname, '../..'), 'docs/screenshots');

const launchBrowser = launchChromium;

/** README screenshots, written only with UPDATE_SCREENSHOTS=1 (a normal run leaves the tree clean). */
async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage });
}

/** axe over a playwright page (harness.axeViolations only needs evaluate). */
const axe = (page: Page) => axeViolations(page as unknown as E2EPage);

let server: Running;
let context: BrowserContext;

beforeAll(async () => {
  server = await startDemoServer({ MOCK_REALTIME: '1', MOCK_SEED: '7' });
  context = await launchBrowser();
});

afterAll(async () => {
  await context?.close();
  await server?.close();
});

async function openPage(path: string, ctx = context): Promise<{ page: Page; errors: string[] }> {
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.url}${path}`);
  return { page, errors };
}

async function idle(page: Page, host = 'indigo-chat') {
  await page.waitForFunction(
    (h) => {
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

describe('visitor features through the real relay (Chromium)', () => {
  it('teaser beside the closed launcher, then stop an answer half-way: the stream is aborted and what was shown stays', async () => {
    const { page, errors } = await openPage('/index.html');
    await page.locator(part('teaser')).waitFor({ timeout: 10_000 });
    await shot(page, 'teaser');
    await page.locator(part('launcher')).click();
    await expect.poll(() => page.locator(part('teaser')).count()).toBe(0);
    await idle(page);

    const aborted: string[] = [];
    page.on('requestfailed', (r) => {
      if (r.method() === 'POST' && /\/api\/chat$/.test(r.url())) aborted.push(r.failure()?.errorText ?? '');
    });
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
    await page.locator(part('stop')).click();
    await page.locator(part('send')).waitFor();
    const last = page.locator(part('message-bot')).last();
    await expect.poll(() => last.locator('.status').textContent()).toBe('Stopped');
    const shown = await last.locator('[part~="bubble"]').first().textContent();
    expect(shown!.trim().length).toBeGreaterThan(20);
    await expect.poll(() => aborted.length).toBeGreaterThan(0); // the browser's request was cancelled
    await page.waitForTimeout(1500);
    expect(await last.locator('[part~="bubble"]').first().textContent()).toBe(shown); // nothing more arrived
    await shot(page, 'stopped');
    expect(await axe(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('downloads the transcript from the header menu as .txt and standalone .html', async () => {
    const { page, errors } = await openPage('/inline.html');
    await idle(page, '#help-inline');
    await page.locator(part('input', '#help-inline')).fill('Do you deliver to Milan?');
    await page.locator(part('input', '#help-inline')).press('Enter');
    await idle(page, '#help-inline');
    await page.locator(part('menu', '#help-inline')).click();
    await shot(page, 'menu-download');
    const [txt] = await Promise.all([
      page.waitForEvent('download'),
      page.locator(`${part('download', '#help-inline')}[data-format="txt"]`).click(),
    ]);
    expect(txt.suggestedFilename()).toMatch(/^help-centre-indigo-bikes-\d{4}-\d\d-\d\d\.txt$/);
    const text = readFileSync(await txt.path(), 'utf8');
    expect(text).toContain('Do you deliver to Milan?');
    await page.locator(part('menu', '#help-inline')).click();
    const [page2] = await Promise.all([
      page.waitForEvent('download'),
      page.locator(`${part('download', '#help-inline')}[data-format="html"]`).click(),
    ]);
    expect(page2.suggestedFilename()).toMatch(/\.html$/);
    const markup = readFileSync(await page2.path(), 'utf8');
    expect(markup).not.toMatch(/<script|<img|\son\w+=/i);
    // Opened on its own, the file shows the conversation and loads nothing.
    const viewer = await context.newPage();
    const requests: string[] = [];
    viewer.on('request', (r) => requests.push(r.url()));
    await viewer.setContent(markup);
    expect(await viewer.locator('li').count()).toBeGreaterThanOrEqual(3);
    expect(requests.filter((u) => !u.startsWith('data:') && u !== 'about:blank')).toEqual([]);
    await viewer.close();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('languages page: lang="auto" and Arabic right to left, axe-clean', async () => {
    const ctx = await launchBrowser({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await ctx.newPage();
      const errors = watchErrors(page);
      await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'languages', { get: () => ['es-MX', 'en'] }));
      await page.goto(`${server.url}/languages.html`);
      await idle(page, '#lang-auto');
      await idle(page, '#lang-ar');
      await expect.poll(() => page.locator(part('send', '#lang-auto')).getAttribute('aria-label')).toBe('Enviar');
      await expect.poll(() => page.locator(part('send', '#lang-ar')).getAttribute('aria-label')).toBe('إرسال');
      expect(await page.locator('#lang-ar').evaluate((el) => el.shadowRoot!.querySelector('.root')!.getAttribute('dir'))).toBe('rtl');
      await shot(page, 'languages-rtl', true);
      expect(await axe(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('phone: the panel is a modal dialog; the page behind is inert and does not scroll; Escape returns to the launcher', async () => {
    const mobile = await launchBrowser({ viewport: { width: 390, height: 844 } });
    try {
      const { page, errors } = await openPage('/index.html', mobile);
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
        await page.keyboard.press('Tab');
        const tag = await page.evaluate(() => document.activeElement?.tagName);
        expect(['INDIGO-CHAT', 'BODY']).toContain(tag);
        if (tag === 'INDIGO-CHAT') inside++;
      }
      expect(inside).toBeGreaterThan(10);
      expect(await axe(page)).toEqual([]);
      await shot(page, 'mobile-modal');
      await page.locator(part('input')).focus();
      await page.keyboard.press('Escape');
      await page.locator(part('panel')).waitFor({ state: 'hidden' });
      expect(await page.evaluate(() => document.querySelector('indigo-chat')?.shadowRoot?.activeElement?.getAttribute('part'))).toContain(
        'launcher',
      );
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).not.toBe('hidden');
      expect(errors).toEqual([]);
    } finally {
      await mobile.close();
    }
  });
});
