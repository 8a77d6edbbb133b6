// A visitor who sends faster than the relay allows (RELAY_SENDER_RATE_PER_MINUTE) meets a
// real 429 with Retry-After: the notice says, in the visitor's language, when to try
// again; the message stays, marked not sent, with Retry. The built demo, the real relay
// and the mock platform, in Chromium, Firefox and WebKit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openIsolated, part, startDemoServer, type E2EPage, type Running, useEngineBrowser } from './harness.js';

let server: Running;

// The welcome is the first send of each widget's sender, a question the second: the third is refused.
beforeAll(async () => {
  server = await startDemoServer({ RELAY_SENDER_RATE_PER_MINUTE: '2' });
});

afterAll(async () => {
  await server?.close();
});

const answered = (page: E2EPage, host: string, count: number) =>
  page.waitForFunction(
    ([h, n]: [string, number]) => {
      const root = document.querySelector(h)?.shadowRoot;
      return !!root && root.querySelectorAll('[part~="message-bot"]').length >= n && !root.querySelector('[part~="typing"]');
    },
    [host, count] as [string, number],
    { timeout: 30_000 },
  );

/** Page errors but Chromium's own console line for each refused request. */
const unexpected = (errors: readonly string[]) => errors.filter((e) => !/status of 429 \(Too Many Requests\)/.test(e));

/** Sends two questions from `host`; the second is refused. Returns the notice's and the live region's text. */
async function refused(page: E2EPage, host: string): Promise<{ notice: string; live: string }> {
  await answered(page, host, 1);
  const input = page.locator(part('input', host));
  await input.fill('First question');
  await input.press('Enter');
  await answered(page, host, 2);
  await input.fill('Second question');
  await input.press('Enter');
  await page.locator(part('retry', host)).waitFor({ timeout: 30_000 });
  const notice = (await page.locator(part('notice', host)).first().textContent()) ?? '';
  await page.waitForFunction(
    (h: string) => (document.querySelector(h)?.shadowRoot?.querySelector('[aria-live="polite"]')?.textContent ?? '').trim().length > 0,
    host,
    { timeout: 10_000 },
  );
  const live = await page.evaluate<string>(
    (h: string) => document.querySelector(h)?.shadowRoot?.querySelector('[aria-live="polite"]')?.textContent ?? '',
    host,
  );
  return { notice: notice.replace(/\s+/g, ' ').trim(), live };
}

describe.each(engines)('rate limited by the relay in %s', (engine) => {
  const browser = useEngineBrowser(engine);

  it('says when to try again, in English, Italian and Arabic; the message stays with Retry', async () => {
    const { page } = await openIsolated(browser(), server, '/inline.html');
    const from = server.requests.length;
    const en = await refused(page, '#help-inline');
    const limited = server.requests.slice(from).filter((r) => r.method === 'POST' && r.path === '/api/chat' && r.status === 429);
    expect(limited.length).toBe(1);
    const wait = Number(limited[0]!.responseHeaders?.['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    // The relay's window is a minute: its wait says 1 to 60 seconds; 60 reads "1 minute".
    const when = wait === 60 ? '1 minute' : wait === 1 ? '1 second' : `${wait} seconds`;
    expect(en.notice).toBe(`Your message could not be sent right now. Try again in ${when}. Retry`);
    expect(en.live).toContain('Try again in');
    const last = page.locator(part('message-user', '#help-inline')).last();
    expect(await last.textContent()).toContain('Second question');
    expect(await last.locator('.status.failed').textContent()).toBe('Not sent');

    const it = await refused(page, '#help-themed');
    expect(it.notice).toMatch(/^Non è stato possibile inviare il messaggio ora\. Riprova tra (\d+ second[oi]|1 minuto)\. ?Riprova$/);
    expect(unexpected(await page.errors())).toEqual([]);
    await page.close();

    const ar = (await openIsolated(browser(), server, '/languages.html')).page;
    const notice = (await refused(ar, '#lang-ar')).notice;
    expect(notice).toContain('تعذّر إرسال رسالتك الآن. أعد المحاولة');
    expect(notice).not.toMatch(/[A-Za-z]{3}/);
    expect(unexpected(await ar.errors())).toEqual([]);
    await ar.close();
  });
});
