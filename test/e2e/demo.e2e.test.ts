import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, part, screenshotDir, startDemoServer, watchErrors, type Running } from './harness.js';

let server: Running;
let context: BrowserContext;

beforeAll(async () => {
  server = await startDemoServer();
  context = await launchBrowser();
});

afterAll(async () => {
  await context?.close();
  await server?.close();
});

async function openPage(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.url}${path}`);
  return { page, errors };
}

/** Waits until the widget has no answer in flight (no typing indicator, no streaming message). */
async function settled(page: Page, host = 'indigo-chat') {
  await page.waitForFunction(
    (h) => {
      const el = document.querySelector(h) as HTMLElement & { shadowRoot: ShadowRoot };
      const root = el?.shadowRoot;
      if (!root) return false;
      return !root.querySelector('[part~="typing"]') && root.querySelectorAll('[part~="message-bot"]').length > 0 && !root.querySelector('[aria-busy="true"]');
    },
    host,
    { timeout: 30_000 },
  );
}

describe('demo through the real relay and mock platform', () => {
  it('launcher: opens, greets, sends quick replies, streams an LLM answer, survives a reload', async () => {
    const { page, errors } = await openPage('/index.html');
    const sessions: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/chat/session')) sessions.push(r.url());
    });

    const launcher = page.locator(part('launcher'));
    await expect(launcher.getAttribute('aria-expanded')).resolves.toBe('false');
    await launcher.click();
    await page.locator(part('panel')).waitFor({ state: 'visible' });
    await expect(launcher.getAttribute('aria-expanded')).resolves.toBe('true');

    // The welcome: HTML text in a bubble, a caption, quick replies and a safe link.
    await page.locator(part('message-bot')).first().waitFor();
    await settled(page);
    expect(await page.locator(`${part('message-bot')} [part~="bubble"]`).count()).toBeGreaterThan(0);
    expect(await page.locator(part('caption')).count()).toBeGreaterThan(0);
    const buttons = page.locator(`${part('quick-replies')} [part~="button"]`);
    expect(await buttons.count()).toBeGreaterThanOrEqual(3);
    const link = page.locator(`${part('quick-replies')} a[part~="link"]`).first();
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
    await page.screenshot({ path: join(screenshotDir, 'launcher-welcome.png') });

    // A quick reply sends its payload and shows its label as the visitor's message.
    await page.locator(`${part('quick-replies')} [part~="button"]`, { hasText: /products/i }).first().click();
    await page.locator(part('message-user'), { hasText: /products/i }).waitFor();
    await page.locator(part('carousel')).waitFor();
    await settled(page);
    const cards = page.locator(part('card'));
    expect(await cards.count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator(part('card-title')).first().textContent()).toBeTruthy();
    expect(await cards.first().getAttribute('aria-label')).toMatch(/1 of \d/);
    // The old turn's quick replies are no longer active.
    expect(await page.locator(`${part('quick-replies')} button[part~="button"]:not([disabled])`, { hasText: /products/i }).count()).toBe(0);
    await page.screenshot({ path: join(screenshotDir, 'launcher-carousel.png') });

    // Free text: an LLM answer streamed with deltas, rendered as real HTML.
    const input = page.locator(part('input'));
    await input.fill('Which bike is best for commuting?');
    await input.press('Enter');
    await page.locator(part('message-user'), { hasText: 'commuting' }).waitFor();
    await page.waitForFunction(() => {
      const root = document.querySelector('indigo-chat')?.shadowRoot;
      const bots = root?.querySelectorAll('[part~="message-bot"]');
      const last = bots?.[bots.length - 1];
      // The mock picks one of its scripted answers; each has bold text and a list or table.
      return !!last?.querySelector('[part~="bubble"] :is(table, ul, ol)') && !!last.querySelector('[part~="bubble"] strong');
    }, undefined, { timeout: 30_000 });
    await settled(page);
    expect(await input.inputValue()).toBe('');
    // The transcript followed the answer to its end: nobody scrolled up, so no jump button.
    await expect
      .poll(() => page.locator(part('transcript')).evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight))
      .toBeLessThanOrEqual(24);
    expect(await page.locator(part('jump')).count()).toBe(0);
    await page.screenshot({ path: join(screenshotDir, 'launcher-llm-answer.png') });

    // Everything survives a reload: same messages, open state, same sender (no new session).
    const before = await page.locator(part('message')).count();
    const sessionsBefore = sessions.length;
    await page.reload();
    await page.locator(part('panel')).waitFor({ state: 'visible' });
    await expect.poll(() => page.locator(part('message')).count()).toBe(before);
    expect(sessions.length).toBe(sessionsBefore);

    // Escape closes the panel and returns focus to the launcher.
    await page.locator(part('input')).focus();
    await page.keyboard.press('Escape');
    await page.locator(part('panel')).waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.querySelector('indigo-chat')?.shadowRoot?.activeElement?.getAttribute('part'))).toContain('launcher');

    expect(errors).toEqual([]);
    await page.close();
  });

  it('launcher page has no axe violations, closed and open', async () => {
    const { page } = await openPage('/index.html');
    expect(await axeViolations(page)).toEqual([]);
    await page.locator(part('launcher')).click();
    await settled(page);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('inline page: two independent instances, theming through variables and parts, Italian strings', async () => {
    const { page, errors } = await openPage('/inline.html');
    await settled(page, '#help-inline');
    await settled(page, '#help-themed');
    const plain = part('send', '#help-inline');
    const themed = part('send', '#help-themed');
    const bg = (sel: string) => page.locator(sel).evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await bg(themed)).toBe('rgb(15, 118, 110)');
    expect(await bg(plain)).not.toBe(await bg(themed));
    expect(await page.locator(part('input', '#help-themed')).getAttribute('placeholder')).toMatch(/scrivi|messaggio/i);

    await page.locator(part('input', '#help-inline')).fill('hello there');
    await page.locator(part('input', '#help-inline')).press('Enter');
    await page.locator(part('message-user', '#help-inline'), { hasText: 'hello there' }).waitFor();
    await settled(page, '#help-inline');
    expect(await page.locator(part('message-user', '#help-themed')).count()).toBe(0);
    await page.screenshot({ path: join(screenshotDir, 'inline-and-themed.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fullscreen page renders the conversation and passes axe', async () => {
    const { page, errors } = await openPage('/fullscreen.html');
    await settled(page);
    const box = await page.locator(part('panel')).boundingBox();
    expect(box?.width).toBeGreaterThan(1000);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('script-tag page: the IIFE mounts a launcher by itself and window.IndigoChat drives it', async () => {
    const { page, errors } = await openPage('/script-tag.html');
    await page.locator(part('launcher')).waitFor();
    expect(await page.evaluate(() => typeof (window as unknown as { IndigoChat?: { open?: unknown } }).IndigoChat?.open)).toBe('function');
    await page.evaluate(() => (window as unknown as { IndigoChat: { open(): void } }).IndigoChat.open());
    await page.locator(part('panel')).waitFor({ state: 'visible' });
    await settled(page);
    await page.evaluate(() => (window as unknown as { IndigoChat: { send(t: string): void } }).IndigoChat.send('Hi from the host page'));
    await page.locator(part('message-user'), { hasText: 'Hi from the host page' }).waitFor();
    await settled(page);
    expect(await page.locator(part('title')).first().textContent()).toContain('Indigo Bikes');
    await page.screenshot({ path: join(screenshotDir, 'script-tag.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('strict CSP with Trusted Types: a whole conversation with zero violations', async () => {
    const { page, errors } = await openPage('/csp.html');
    await settled(page);
    await page.locator(`${part('quick-replies')} [part~="button"]`, { hasText: /AI/i }).first().click();
    await page.waitForFunction(() => {
      const bots = document.querySelector('indigo-chat')?.shadowRoot?.querySelectorAll('[part~="message-bot"]');
      return (bots?.length ?? 0) >= 2;
    });
    await settled(page);
    await page.locator(`${part('quick-replies')} [part~="button"]`, { hasText: /image/i }).last().click().catch(() => {});
    await settled(page);
    const violations = await page.evaluate(() => (globalThis as { __cspViolations?: string[] }).__cspViolations);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('mobile: the launcher opens fullscreen on a small screen', async () => {
    const mobile = await launchBrowser({ viewport: { width: 390, height: 844 } });
    const page = await mobile.newPage();
    await page.goto(`${server.url}/index.html`);
    await page.locator(part('launcher')).click();
    await settled(page);
    const box = await page.locator(part('panel')).boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(389);
    await page.screenshot({ path: join(screenshotDir, 'mobile.png') });
    await mobile.close();
  });

  it('the relay logged no token and the mock platform was used', () => {
    expect(server.logs.join('\n')).toMatch(/mock platform/i);
    expect(server.logs.join('\n')).not.toMatch(/mock-pat/);
  });
});
