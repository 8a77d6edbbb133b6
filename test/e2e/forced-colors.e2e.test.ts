// Forced colors (Windows High Contrast) rendered for real, end to end: the script-tag page of
// the built demo (the loader's launcher, then the widget it loads) through the real relay
// and mock platform. Chromium turns forced colors on per page (CDP); Firefox runs a browser
// launched with them on (its pref: BiDi has no command), so the browser suite's
// declared-rule checks are seen painted in Firefox too. WebKit has no forced colors: there
// the same walk checks that nothing changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemColor } from '../support/system-color.js';
import { engines, launchEngine, openIsolated, part, startDemoServer, type E2EBrowser, type E2EPage, type Running } from './harness.js';

let server: Running;

beforeAll(async () => {
  server = await startDemoServer();
});

afterAll(async () => {
  await server?.close();
});

/** How the page paints a part: an edge (`border-top`, `border-bottom`, `outline`) or `fill`. */
async function paint(page: E2EPage, selector: string, what: 'border-top' | 'border-bottom' | 'outline' | 'fill'): Promise<string> {
  return page.evaluate<string>(
    ([sel, w, highlight]: [string, string, string]) => {
      const host = document.querySelector('indigo-chat')!.shadowRoot!;
      const el = host.querySelector(sel);
      if (!el) return `missing ${sel}`;
      const s = getComputedStyle(el);
      const name = (c: string) =>
        c === 'rgba(0, 0, 0, 0)' ? 'transparent' : c === highlight ? 'Highlight' : /^rgb\(/.test(c) ? 'painted' : c;
      if (w === 'fill') return name(s.backgroundColor);
      return `${s.getPropertyValue(`${w}-style`)} ${name(s.getPropertyValue(`${w}-color`))}`;
    },
    [selector, what, await page.evaluate<string>(`(${systemColor.toString()})('Highlight')`)],
  );
}

describe.each(engines)('forced colors for real in %s', (engine) => {
  let browser: E2EBrowser;
  beforeAll(async () => {
    browser = await launchEngine(engine, { forcedColors: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the launcher, the panel, the conversation and a chosen thumb and reason keep edges and fills', async () => {
    const { page } = await openIsolated(browser, server, '/script-tag.html');
    const forced =
      engine === 'chromium'
        ? await page.forcedColors(true)
        : await page.evaluate<boolean>(() => matchMedia('(forced-colors: active)').matches);
    expect(forced).toBe(engine !== 'webkit');
    const edge = forced ? 'painted' : 'transparent';
    // The loader's launcher, before the widget is there.
    await page.locator(part('launcher')).waitFor();
    expect(await paint(page, '[part~="launcher"]', 'border-top')).toBe(`solid ${edge}`);

    await page.locator(part('launcher')).click();
    await page.locator(part('input')).waitFor({ timeout: 20_000 });
    await page.locator(part('input')).fill('Do you deliver to Milan?');
    await page.locator(part('input')).press('Enter');
    await page.locator(`${part('message-bot')} [part~="thumb-down"]`).waitFor({ timeout: 30_000 });
    expect(await paint(page, '[part~="panel"]', 'outline')).toBe(`solid ${edge}`);
    const header = await paint(page, '[part~="header"]', 'border-bottom');
    expect(forced ? header : header.split(' ')[0]).toBe(forced ? 'solid painted' : 'none');
    expect(await paint(page, '.user-bubble', 'outline')).toBe(`solid ${edge}`);
    expect(await paint(page, '[part~="message-bot"] [part~="bubble"]', 'outline')).toBe(`solid ${edge}`);

    // Clicked in the page (this is about what is painted, not about pointing).
    const press = (sel: string) =>
      page.evaluate((s: string) => {
        const all = document.querySelector('indigo-chat')!.shadowRoot!.querySelectorAll<HTMLElement>(s);
        all[all.length - 1]?.click();
        return all.length;
      }, sel);
    expect(await press('[part~="thumb-down"]')).toBeGreaterThan(0);
    await page.locator(part('feedback-reason')).first().waitFor({ timeout: 20_000 });
    expect(await press('[part~="feedback-reason"]')).toBe(4);
    await page.waitForFunction(
      () => !!document.querySelector('indigo-chat')!.shadowRoot!.querySelector('[part~="feedback-reason"][aria-pressed="true"]'),
    );
    const chosen = forced ? 'Highlight' : 'transparent';
    expect(await paint(page, '[part~="thumb-down"][aria-pressed="true"]', 'fill')).toBe(chosen);
    expect(await paint(page, '[part~="feedback-reason"][aria-pressed="true"]', 'fill')).not.toBe(
      await paint(page, '[part~="feedback-reason"][aria-pressed="false"]', 'fill'),
    );
    if (forced) expect(await paint(page, '[part~="feedback-reason"][aria-pressed="true"]', 'fill')).toBe('Highlight');
    expect(await page.errors()).toEqual([]);
    await page.close();
  });
});
