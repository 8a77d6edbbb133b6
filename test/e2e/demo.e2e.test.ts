import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeViolations,
  engines,
  openIsolated,
  part,
  screenshot,
  startDemoServer,
  type E2EPage,
  type Running,
  useEngineBrowser,
} from './harness.js';

let server: Running;

beforeAll(async () => {
  server = await startDemoServer();
});

afterAll(async () => {
  await server?.close();
});

/** Distance from the transcript's bottom, in px. */
const fromBottom = (page: E2EPage) => page.locator(part('transcript')).evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

/** Waits until the widget has no answer in flight (no typing indicator, no streaming message). */
async function settled(page: E2EPage, host = 'indigo-chat') {
  await page.waitForFunction(
    (h) => {
      const el = document.querySelector(h) as HTMLElement & { shadowRoot: ShadowRoot };
      const root = el?.shadowRoot;
      if (!root) return false;
      return (
        !root.querySelector('[part~="typing"]') &&
        root.querySelectorAll('[part~="message-bot"]').length > 0 &&
        !root.querySelector('[aria-busy="true"]')
      );
    },
    host,
    { timeout: 30_000 },
  );
}

describe.each(engines)('demo through the real relay and mock platform in %s', (engine) => {
  const browser = useEngineBrowser(engine);

  async function openPage(path: string): Promise<{ page: E2EPage }> {
    const page = await browser().newPage();
    await page.goto(`${server.url}${path}`);
    return { page };
  }

  it('launcher: opens, greets, sends quick replies, streams an LLM answer, survives a reload', async () => {
    const { page } = await openPage('/index.html');

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
    await screenshot(page, 'launcher-welcome');

    // A quick reply sends its payload and shows its label as the visitor's message.
    await page
      .locator(`${part('quick-replies')} [part~="button"]`, { hasText: /products/i })
      .first()
      .click();
    await page.locator(part('message-user'), { hasText: /products/i }).waitFor();
    await page.locator(part('carousel')).waitFor();
    await settled(page);
    const cards = page.locator(part('card'));
    expect(await cards.count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator(part('card-title')).first().textContent()).toBeTruthy();
    expect(await cards.first().getAttribute('aria-label')).toMatch(/1 of \d/);
    // The old turn's quick replies are no longer active.
    expect(await page.locator(`${part('quick-replies')} button[part~="button"]:not([disabled])`, { hasText: /products/i }).count()).toBe(0);
    await screenshot(page, 'launcher-carousel');

    // Free text: an LLM answer streamed with deltas, rendered as real HTML.
    const input = page.locator(part('input'));
    await input.fill('Which bike is best for commuting?');
    await input.press('Enter');
    await page.locator(part('message-user'), { hasText: 'commuting' }).waitFor();
    await page.waitForFunction(
      () => {
        const root = document.querySelector('indigo-chat')?.shadowRoot;
        const bots = root?.querySelectorAll('[part~="message-bot"]');
        const last = bots?.[bots.length - 1];
        // The mock picks one of its scripted answers; each has bold text and a list or table.
        return !!last?.querySelector('[part~="bubble"] :is(table, ul, ol)') && !!last.querySelector('[part~="bubble"] strong');
      },
      undefined,
      { timeout: 30_000 },
    );
    await settled(page);
    expect(await input.inputValue()).toBe('');
    // The transcript followed the answer to its end: nobody scrolled up, so no jump button.
    await expect.poll(() => fromBottom(page)).toBeLessThanOrEqual(24);
    expect(await page.locator(part('jump')).count()).toBe(0);
    await screenshot(page, 'launcher-llm-answer');

    // Everything survives a reload: same messages, open state, same sender (no new session),
    // and the returning visitor lands on the latest message.
    const before = await page.locator(part('message')).count();
    await page.reload();
    await page.locator(part('panel')).waitFor({ state: 'visible' });
    await expect.poll(() => page.locator(part('message')).count()).toBe(before);
    await expect.poll(() => fromBottom(page)).toBeLessThanOrEqual(24);
    expect(await page.locator(part('jump')).count()).toBe(0);
    const sessionRequests = await page.evaluate(
      () => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/api/chat/session')).length,
    );
    expect(sessionRequests).toBe(0);

    // Escape closes the panel and returns focus to the launcher.
    await page.locator(part('input')).focus();
    await page.keyboard.press('Escape');
    await page.locator(part('panel')).waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.querySelector('indigo-chat')?.shadowRoot?.activeElement?.getAttribute('part'))).toContain(
      'launcher',
    );

    expect(await page.errors()).toEqual([]);
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
    const { page } = await openPage('/inline.html');
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
    await screenshot(page, 'inline-and-themed', { fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.errors()).toEqual([]);
    await page.close();
  });

  it('fullscreen page renders the conversation and passes axe', async () => {
    const { page } = await openPage('/fullscreen.html');
    await settled(page);
    const box = await page.locator(part('panel')).boundingBox();
    expect(box?.width).toBeGreaterThan(1000);
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.errors()).toEqual([]);
    await page.close();
  });

  it('script-tag page: the IIFE mounts a launcher by itself and window.IndigoChat drives it', async () => {
    const { page } = await openPage('/script-tag.html');
    await page.locator(part('launcher')).waitFor();
    expect(await page.evaluate(() => typeof (window as unknown as { IndigoChat?: { open?: unknown } }).IndigoChat?.open)).toBe('function');
    await page.evaluate(() => (window as unknown as { IndigoChat: { open(): void } }).IndigoChat.open());
    await page.locator(part('panel')).waitFor({ state: 'visible' });
    await settled(page);
    await page.evaluate(() => (window as unknown as { IndigoChat: { send(t: string): void } }).IndigoChat.send('Hi from the host page'));
    await page.locator(part('message-user'), { hasText: 'Hi from the host page' }).waitFor();
    await settled(page);
    expect(await page.locator(part('title')).first().textContent()).toContain('Indigo Bikes');
    await screenshot(page, 'script-tag');
    expect(await page.errors()).toEqual([]);
    await page.close();
  });

  it('script tag after load: the snippet queues calls, the loader is fetched after the load event and replays them', async () => {
    const { page } = await openPage('/script-tag-deferred.html');
    // The page's own button calls IndigoChat.open() and .send(): the snippet's stub queues
    // them when the loader is not there yet, the loader runs them when it is.
    await page.locator('#ask').click();
    await page.locator(part('message-user'), { hasText: 'How long does delivery take?' }).waitFor();
    await settled(page);
    await page.locator(part('panel')).waitFor({ state: 'visible' });
    const timing = await page.evaluate<{ loadEnd: number; loaderStart: number }>(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const loader = performance.getEntriesByType('resource').find((e) => new URL(e.name).pathname === '/indigo-chat.iife.js');
      return { loadEnd: nav.loadEventEnd, loaderStart: loader?.startTime ?? -1 };
    });
    expect(timing.loaderStart).toBeGreaterThanOrEqual(timing.loadEnd);
    expect(await page.errors()).toEqual([]);
    await page.close();
  });

  it('strict CSP (Trusted Types where the engine has them): a whole conversation with zero violations', async () => {
    const { page } = await openPage('/csp.html');
    await settled(page);
    // Chromium enforces Trusted Types; Firefox and WebKit have none and must still work.
    const hasTrustedTypes = await page.evaluate(() => typeof (globalThis as { trustedTypes?: unknown }).trustedTypes === 'object');
    if (engine === 'chromium') expect(hasTrustedTypes).toBe(true);
    const bots = () => page.locator(part('message-bot')).count();
    const active = (label: RegExp) =>
      page.locator(`${part('quick-replies')} button[part~="button"]:not([disabled])`, { hasText: label }).last();
    // A generated (sanitized HTML) answer, then back to the menu for an image.
    await active(/Ask the AI/i).click();
    await expect.poll(bots).toBeGreaterThanOrEqual(2);
    await settled(page);
    await page
      .locator(`${part('bubble')} strong`)
      .last()
      .waitFor({ state: 'attached' });
    await active(/Main menu/i).click();
    await expect.poll(bots).toBeGreaterThanOrEqual(3);
    await settled(page);
    await active(/image/i).click();
    await page.locator(`${part('message-bot')} img[alt*="robot"]`).waitFor({ state: 'attached' });
    await settled(page);
    const violations = await page.evaluate(() => (globalThis as { __cspViolations?: string[] }).__cspViolations);
    expect(violations).toEqual([]);
    expect(await page.errors()).toEqual([]);
    await page.close();
  });

  it('"Play a video" plays the demo clip from the mock platform (ranges answered, no error)', async () => {
    // Its own storage: the welcome's quick replies, not a conversation an earlier test left.
    const { page } = await openIsolated(browser(), server, '/index.html');
    await page.locator(part('launcher')).click();
    await settled(page);
    await page.locator(part('button'), { hasText: 'Play a video' }).click();
    // Where the engine decodes H.264 (the clip's format and most sites'; Firefox through the
    // system's libavcodec, when the machine has it), the player stays, reads the clip's size and
    // nothing failed; elsewhere the player gives way to a link to the same clip (video.ts).
    const h264 = await page.evaluate(() => document.createElement('video').canPlayType('video/mp4; codecs="avc1.42E01E"'));
    const link = 'indigo-chat a.video-link[href$="/media/sample.mp4"]';
    const shown = page.locator(h264 === '' ? link : 'indigo-chat video[part~="video"]').first();
    await shown.waitFor();
    const src = await shown.getAttribute(h264 === '' ? 'href' : 'src');
    expect(src).toMatch(/\/media\/sample\.mp4$/);
    if (h264 !== '') {
      await expect
        .poll(() => shown.evaluate((v) => `${(v as HTMLVideoElement).videoWidth}x${(v as HTMLVideoElement).videoHeight}`))
        .toBe('320x180');
      expect(await page.locator(link).count()).toBe(0);
    }
    // The file itself, as any browser's media stack asks for it (Safari starts with a range).
    const head = await fetch(src!, { headers: { range: 'bytes=0-1' } });
    expect([head.status, head.headers.get('content-type'), head.headers.get('content-range')]).toEqual([
      206,
      'video/mp4',
      expect.stringMatching(/^bytes 0-1\/\d{4,}$/),
    ]);
    expect(await page.errors()).toEqual([]);
    await page.close();
  });

  it('mobile: the launcher opens fullscreen on a small screen', async () => {
    const page = await browser().newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${server.url}/index.html`);
    await page.locator(part('launcher')).click();
    await settled(page);
    const box = await page.locator(part('panel')).boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(389);
    await screenshot(page, 'mobile');
    await page.close();
  });
});

describe('relay logs', () => {
  it('the relay logged no token and the mock platform was used', () => {
    expect(server.logs.join('\n')).toMatch(/mock platform/i);
    expect(server.logs.join('\n')).not.toMatch(/mock-pat/);
  });
});
