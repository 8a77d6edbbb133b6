// The composer counts against the relay's own limit (RELAY_MAX_TEXT_CHARS, announced with
// the sender) and keeps it after a reload: the built demo, the real relay and the mock
// platform, in Chromium, Firefox and WebKit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openIsolated, part, startDemoServer, type E2EPage, type Running, useEngineBrowser } from './harness.js';

let server: Running;

beforeAll(async () => {
  server = await startDemoServer({ RELAY_MAX_TEXT_CHARS: '60' });
});

afterAll(async () => {
  await server?.close();
});

const HOST = '#help-inline';
const count = (page: E2EPage) =>
  page.evaluate(
    (h: string) => document.querySelector(h)?.shadowRoot?.querySelector('[part~="char-count"]')?.textContent?.trim() ?? null,
    HOST,
  );
const sends = () => server.requests.filter((r) => r.method === 'POST' && r.path === '/api/chat');

describe.each(engines)("the relay's text limit in %s", (engine) => {
  const browser = useEngineBrowser(engine);

  it('the count follows RELAY_MAX_TEXT_CHARS=60; over it nothing is sent; a text that fits is, also after a reload', async () => {
    const { page } = await openIsolated(browser(), server, '/inline.html');
    const input = page.locator(part('input', HOST));
    await page.locator(part('message-bot', HOST)).first().waitFor();
    await input.fill('x'.repeat(56));
    await expect.poll(() => count(page)).toBe('4 characters left');
    await input.fill('x'.repeat(61));
    await expect.poll(() => count(page)).toBe('1 character too many');
    const before = sends().length;
    await input.press('Enter');
    await page.waitForFunction(
      (h: string) => !!document.querySelector(h)?.shadowRoot?.querySelector('[part~="input"][aria-invalid="true"]'),
      HOST,
    );
    expect(sends().length).toBe(before);

    await page.reload();
    await page.locator(part('message-bot', HOST)).first().waitFor();
    await input.fill('y'.repeat(61));
    await expect.poll(() => count(page)).toBe('1 character too many');
    await input.fill('y'.repeat(60));
    await expect.poll(() => count(page)).toBe('0 characters left');
    await input.press('Enter');
    await expect.poll(() => sends().length).toBe(before + 1);
    await expect.poll(() => sends().at(-1)!.status).toBe(200);
    expect(await page.errors()).toEqual([]);
    await page.close();
  });
});
