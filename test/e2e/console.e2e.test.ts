// The owner console end to end, in Chromium, Firefox and WebKit: a visitor rates an answer
// in the demo, the owner signs in at /console/, sees analytics charts with table views,
// opens that conversation (rendered with the widget's blocks, with the feedback) and
// downloads exports. All offline against the mock platform, through the built relay; the
// PAT never reaches the browser. The server is the witness: its request log holds the
// session cookie as set and as sent back, the export answers and every /console body.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeViolations,
  engines,
  readmeScreenshot,
  part,
  startDemoServer,
  type E2EPage,
  type Engine,
  type LoggedRequest,
  type Running,
  useEngineBrowser,
} from './harness.js';

const TOKEN = 'e2e-console-token-0123456789';
const QUESTION = 'Where is my order, please?';
/**
 * What each engine reports on the console for the sign-in page answered 401 (measured):
 * Chromium logs the failed load; Firefox logs nothing; WebKit's console is not reachable
 * through its driver (page errors are hooked in the page, a failed load is not one).
 */
const ON_401: Record<Engine, string[]> = {
  chromium: ['console: Failed to load resource: the server responded with a status of 401 (Unauthorized)'],
  firefox: [],
  webkit: [],
};

let server: Running;

beforeAll(async () => {
  server = await startDemoServer(
    {
      RELAY_CONSOLE_TOKEN: TOKEN,
      RELAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'console-e2e-')),
      RELAY_SECRET: 'console-e2e-secret',
    },
    { recordBodies: (path) => path.startsWith('/console') },
  );
});

afterAll(async () => {
  await server?.close();
});

const pathOf = (r: LoggedRequest) => r.path.replace(/\?.*$/, '');

it('the console is a 404 without RELAY_CONSOLE_TOKEN', async () => {
  const plain = await startDemoServer({ RELAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'console-e2e-')) });
  try {
    expect((await fetch(`${plain.url}/console/`)).status).toBe(404);
  } finally {
    await plain.close();
  }
});

describe.each(engines)('owner console in %s', (engine) => {
  const browser = useEngineBrowser(engine);

  /** A visitor asks, rates the answer 👎 with a reason and a comment; resolves once the relay stored it. */
  async function visitorRatesAnAnswer(): Promise<void> {
    const page = await browser().newPage({ isolated: true });
    await page.goto(`${server.url}/`);
    await page.locator(part('launcher')).click();
    await page.locator(part('message-bot')).first().waitFor();
    await page.locator(part('input')).fill(QUESTION);
    await page.locator(part('input')).press('Enter');
    const second = page.locator(part('message-bot')).nth(1);
    await second.locator('[part~="thumb-down"]').waitFor({ timeout: 30_000 });
    // Hover first: the pointer over the answer changes its action row's layout, so a click
    // aimed before that would land on the neighbouring thumb. Aim once the thumb is where a
    // pointer reaches it and has stopped moving: the transcript follows the finished answer a
    // frame or two after the thumbs render (WebKit: "move target out of bounds" otherwise).
    const down = second.locator('[part~="thumb-down"]');
    let aim: number[] | null = null;
    await expect
      .poll(async () => {
        const seen = aim;
        aim = await down.evaluate((el) => {
          const b = el.getBoundingClientRect();
          const [x, y] = [b.x + b.width / 2, b.y + b.height / 2];
          const hit = (el.getRootNode() as ShadowRoot).elementFromPoint(x, y);
          return hit && el.contains(hit) ? [x, y] : null;
        });
        return aim !== null && JSON.stringify(aim) === JSON.stringify(seen);
      })
      .toBe(true);
    await page.mouse.move(aim![0]!, aim![1]!);
    await down.click();
    await expect.poll(() => down.getAttribute('aria-pressed')).toBe('true');
    await second.locator('[part~="feedback-reason"]', { hasText: 'Wrong' }).click();
    await second.locator('[part~="feedback-comment"]').fill('Not my order at all');
    const from = server.requests.length;
    await second.locator('.feedback-submit').click();
    await second.locator('[role="status"]', { hasText: 'Thanks' }).waitFor();
    // The background send with the reason and comment (after the vote's own) has reached
    // the relay and been answered.
    await expect
      .poll(() =>
        server.requests
          .slice(from)
          .some((r) => r.method === 'POST' && pathOf(r) === '/api/chat/feedback' && r.doneSeq !== undefined && r.status! < 300),
      )
      .toBe(true);
    await page.close();
  }

  /** Signs in with the form; resolves with the server's record of the POST once its answer page has loaded. */
  async function signIn(page: E2EPage, token: string): Promise<LoggedRequest> {
    await page.goto(`${server.url}/console/`);
    await page.evaluate(() => ((window as unknown as { __before?: boolean }).__before = true));
    const from = server.requests.length;
    await page.locator('#token').fill(token);
    await page.locator('button[type="submit"]').click();
    const login = () => server.requests.slice(from).find((r) => r.method === 'POST' && pathOf(r) === '/console/login');
    await expect.poll(() => login()?.doneSeq).toBeDefined();
    // The answer's page (a redirect to /console/ or the form again) replaced this one.
    await expect
      .poll(() =>
        page
          .evaluate(() => !(window as unknown as { __before?: boolean }).__before && document.readyState === 'complete')
          .catch(() => false),
      )
      .toBe(true);
    return login()!;
  }

  it('signs in, charts analytics with table views, opens the rated conversation, exports it', async () => {
    await visitorRatesAnAnswer();
    const page = await browser().newPage({ isolated: true });

    const refused = await signIn(page, 'not-the-token-at-all');
    expect(refused.status).toBe(401);
    await page.locator('[role="alert"]').waitFor();
    expect(await page.locator('[role="alert"]').textContent()).toContain('not right');
    expect(await page.errors()).toEqual(ON_401[engine]);
    page.driverErrors.splice(0);

    const from = server.requests.length;
    const accepted = await signIn(page, TOKEN);
    await page.locator('indigo-console .chart svg.plot').waitFor();
    // The session cookie as set: HttpOnly, SameSite=Strict, only under /console ...
    expect(accepted.status).toBe(303);
    const setCookie = String(accepted.responseHeaders?.['set-cookie']);
    expect(setCookie).toMatch(/^indigo-console=[^;]+;/);
    expect(setCookie).toMatch(/; Path=\/console(;|$)/);
    expect(setCookie).toMatch(/; HttpOnly(;|$)/);
    expect(setCookie).toMatch(/; SameSite=Strict(;|$)/);
    // ... and as the browser keeps it: sent back with the console's API calls, out of
    // scripts' reach, and not sent outside /console.
    const api = server.requests.slice(from).filter((r) => pathOf(r).startsWith('/console/api/'));
    expect(api.length).toBeGreaterThan(0);
    for (const r of api) expect(r.headers.cookie).toMatch(/(^|; )indigo-console=/);
    expect(await page.evaluate(() => document.cookie)).not.toContain('indigo-console');
    const outside = server.requests.length;
    await page.evaluate(() => fetch('/favicon.svg').then((r) => r.status));
    expect(server.requests.slice(outside).map((r) => [r.path, r.headers.cookie])).toEqual([['/favicon.svg', undefined]]);

    // Analytics: every chart drawn (the first one drawn says nothing of the others), each with
    // a table of the range's days.
    await expect.poll(() => page.locator('indigo-console figure.chart').count()).toBe(9);
    expect(await page.locator('indigo-console .chart-error').count()).toBe(0);
    await page.locator('indigo-console #chart-thumbs summary').click();
    const rows = page.locator('indigo-console #chart-thumbs tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(30);
    const today = new Date().toISOString().slice(0, 10);
    const downVotes = await rows.evaluateAll(
      (trs, day) => trs.find((tr) => tr.querySelector('th')?.textContent?.trim() === day)?.querySelectorAll('td')[1]?.textContent ?? null,
      today,
    );
    expect(Number(downVotes)).toBeGreaterThanOrEqual(1); // our 👎
    expect(await page.locator('indigo-console #chart-chats svg[role="img"]').getAttribute('aria-label')).toMatch(/^Chats, .* in total/);
    await readmeScreenshot(page, 'console-analytics', { fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    // Conversations: ours is the newest; its transcript uses the widget's blocks and shows the vote.
    await page.locator('indigo-console [role="tab"]', { hasText: 'Conversations' }).click();
    await page.locator('indigo-console .conv-list li button').first().click();
    await page.locator('indigo-console .msg.user', { hasText: QUESTION }).waitFor();
    const badge = page.locator('indigo-console .feedback-badge[data-feedback="negative"]');
    await expect.poll(() => badge.count()).toBe(1);
    expect(await badge.textContent()).toMatch(/Not helpful.*wrong.*Not my order at all/s);
    expect(await page.locator('indigo-console .msg.bot [part~="bubble"]').count()).toBeGreaterThan(0);
    await readmeScreenshot(page, 'console-conversation', { fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    // Exports are download links: what they answer when followed with the session.
    for (const format of ['jsonl', 'csv']) {
      const link = page.locator('indigo-console section[aria-labelledby="transcript-title"] a', { hasText: format.toUpperCase() }).first();
      expect(await link.evaluate((a) => a.hasAttribute('download'))).toBe(true);
      const href = await link.evaluate((a) => (a as HTMLAnchorElement).href);
      const before = server.requests.length;
      expect(await page.evaluate((u: string) => fetch(u).then((r) => r.status), href)).toBe(200);
      const answer = server.requests.slice(before).find((r) => href.endsWith(r.path))!;
      expect(answer.headers.cookie).toMatch(/(^|; )indigo-console=/);
      expect(String(answer.responseHeaders?.['content-disposition'])).toMatch(
        new RegExp(`^attachment; filename="conversation-\\d+\\.${format}"$`),
      );
      const content = answer.body ?? '';
      expect(content).toContain(QUESTION);
      if (format === 'jsonl')
        expect(
          content
            .trim()
            .split('\n')
            .every((l) => JSON.parse(l).conversationId),
        ).toBe(true);
      else expect(content.split('\r\n')[0]).toBe('conversationId,id,insertedAt,role,text,feedback');
    }

    // The relay's own figures.
    await page.locator('indigo-console [role="tab"]', { hasText: 'Relay' }).click();
    await page.locator('indigo-console .comments li').first().waitFor();
    expect(await page.locator('indigo-console .comments').textContent()).toContain('Not my order at all');

    expect(await axeViolations(page)).toEqual([]);
    expect(await page.errors()).toEqual([]);
    // Nothing the console sent the browser (bodies and headers) carries the PAT.
    const emitted = server.requests
      .filter((r) => pathOf(r).startsWith('/console'))
      .map((r) => `${r.body ?? ''}\n${JSON.stringify(r.responseHeaders ?? {})}`)
      .join('\n');
    expect(emitted).toContain('Not my order at all'); // the bodies are there to look at
    expect(emitted).not.toContain('mock-pat');
    await page.close();
  });

  it('without the native HTML Sanitizer (the Safari path) a transcript loads the DOMPurify chunk and shows the answers', async () => {
    const page = await browser().newPage({ isolated: true });
    await signIn(page, TOKEN);
    await page.locator('indigo-console [role="tab"]').first().waitFor();
    // The console page again, with the API removed before any of its scripts.
    const undo = server.injectScript('/console/', 'delete window.Sanitizer;');
    const from = server.requests.length;
    try {
      await page.goto(`${server.url}/console/`);
    } finally {
      undo();
    }
    await page.locator('indigo-console [role="tab"]', { hasText: 'Conversations' }).click();
    await page.locator('indigo-console .conv-list li button').first().click();
    await page.locator('indigo-console .msg.bot [part~="bubble"]').first().waitFor();
    expect(server.requests.slice(from).some((r) => /^\/console\/assets\/sanitize-dompurify-[^/]+\.js$/.test(pathOf(r)))).toBe(true);
    expect(await page.errors()).toEqual([]);
    await page.close();
  });
});
