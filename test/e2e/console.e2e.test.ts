// The owner console end to end: a visitor rates an answer in the demo, the owner signs in
// at /console/, sees analytics charts with table views, opens that conversation (rendered
// with the widget's blocks, with the feedback) and downloads exports. All offline against
// the mock platform, through the built relay; the PAT never reaches the browser.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchErrors } from './playwright-chromium.js';
import { axeViolations as axeOn, part, startDemoServer, type E2EPage, type Running } from './harness.js';

// Chromium through playwright-core, like the visitor suite (downloads and cookies need it).
// README screenshots are written only with UPDATE_SCREENSHOTS=1.
const screenshotDir = join(resolve(import.meta.dirname, '../..'), 'docs/screenshots');
const launchBrowser = launchChromium;
/** axe over a playwright page (harness.axeViolations only needs evaluate). */
const axeViolations = (page: Page) => axeOn(page as unknown as E2EPage);

const TOKEN = 'e2e-console-token-0123456789';
let server: Running;
let context: BrowserContext;
const bodies: string[] = [];

beforeAll(async () => {
  server = await startDemoServer({
    RELAY_CONSOLE_TOKEN: TOKEN,
    RELAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'console-e2e-')),
    RELAY_SECRET: 'console-e2e-secret',
  });
  context = await launchBrowser();
  context.on('response', (res) => {
    if (res.url().includes('/console'))
      void res.text().then(
        (t) => bodies.push(t, JSON.stringify(res.headers())),
        () => {},
      );
  });
});

afterAll(async () => {
  await context?.close();
  await server?.close();
});

async function visitorRatesAnAnswer(): Promise<string> {
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.click(part('launcher'));
  await page.waitForSelector(part('message-bot'));
  await page.fill(part('input'), 'Where is my order, please?');
  await page.press(part('input'), 'Enter');
  const second = page.locator(part('message-bot')).nth(1);
  await second.locator('[part~="thumb-down"]').waitFor({ timeout: 30_000 });
  await second.locator('[part~="thumb-down"]').click();
  await second.locator('[part~="feedback-reason"]', { hasText: 'Wrong' }).click();
  await second.locator('[part~="feedback-comment"]').fill('Not my order at all');
  await second.locator('.feedback-submit').click();
  await second.locator('[role="status"]', { hasText: 'Thanks' }).waitFor();
  // Let the background send reach the relay.
  await page.waitForTimeout(300);
  await page.close();
  return 'Where is my order, please?';
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${server.url}/console/`);
  await page.fill('#token', token);
  await page.click('button[type="submit"]');
}

describe('owner console', () => {
  it('is a 404 without RELAY_CONSOLE_TOKEN', async () => {
    const plain = await startDemoServer({ RELAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'console-e2e-')) });
    try {
      expect((await fetch(`${plain.url}/console/`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('signs in, charts analytics with table views, opens the rated conversation, exports it', async () => {
    const text = await visitorRatesAnAnswer();
    const page = await context.newPage();
    const errors = watchErrors(page);

    await signIn(page, 'not-the-token-at-all');
    expect(await page.locator('[role="alert"]').textContent()).toContain('not right');
    expect(errors.splice(0)).toEqual(['console: Failed to load resource: the server responded with a status of 401 (Unauthorized)']);

    await signIn(page, TOKEN);
    await page.waitForSelector('indigo-console .chart svg.plot');
    const cookies = await context.cookies(`${server.url}/console/`);
    const session = cookies.find((c) => c.name === 'indigo-console');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });

    // Analytics: every chart drawn, each with a table of the range's days.
    const charts = page.locator('indigo-console figure.chart');
    expect(await charts.count()).toBe(9);
    expect(await page.locator('indigo-console .chart-error').count()).toBe(0);
    await page.click('indigo-console #chart-thumbs summary');
    const rows = page.locator('indigo-console #chart-thumbs tbody tr');
    expect(await rows.count()).toBe(30);
    const today = new Date().toISOString().slice(0, 10);
    const todayRow = page.locator(`indigo-console #chart-thumbs tbody tr:has(th:text-is("${today}"))`);
    expect(Number(await todayRow.locator('td').nth(1).textContent())).toBeGreaterThanOrEqual(1); // our 👎
    expect(await page.locator('indigo-console #chart-chats svg[role="img"]').getAttribute('aria-label')).toMatch(/^Chats, .* in total/);
    if (process.env.UPDATE_SCREENSHOTS === '1')
      await page.screenshot({ path: join(screenshotDir, 'console-analytics.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    // Conversations: ours is the newest; its transcript uses the widget's blocks and shows the vote.
    await page.click('indigo-console [role="tab"]:has-text("Conversations")');
    await page.locator('indigo-console .conv-list li button').first().click();
    await page.waitForSelector(`indigo-console .msg.user:has-text("${text}")`);
    const badge = page.locator('indigo-console .feedback-badge[data-feedback="negative"]');
    await expect.poll(() => badge.count()).toBe(1);
    expect(await badge.textContent()).toMatch(/Not helpful.*wrong.*Not my order at all/s);
    expect(await page.locator('indigo-console .msg.bot [part~="bubble"]').count()).toBeGreaterThan(0);
    if (process.env.UPDATE_SCREENSHOTS === '1')
      await page.screenshot({ path: join(screenshotDir, 'console-conversation.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    // Exports download as files.
    for (const format of ['jsonl', 'csv']) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click(`indigo-console section[aria-labelledby="transcript-title"] a:text-is("${format.toUpperCase()}")`),
      ]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`^conversation-\\d+\\.${format}$`));
      const content = readFileSync(await download.path(), 'utf8');
      expect(content).toContain(text);
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
    await page.click('indigo-console [role="tab"]:has-text("Relay")');
    await page.waitForSelector('indigo-console .comments li');
    expect(await page.locator('indigo-console .comments').textContent()).toContain('Not my order at all');

    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    const emitted = bodies.join('\n');
    expect(emitted).not.toContain('pat-mock-pat');
    expect(emitted).not.toContain('mock-pat');
  });

  // The test above left a conversation on the mock platform and a session cookie.
  it('without the native HTML Sanitizer (the Safari path) a transcript loads the DOMPurify chunk and shows the answers', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.addInitScript(() => delete (window as { Sanitizer?: unknown }).Sanitizer);
    const fetched: string[] = [];
    page.on('request', (r) => fetched.push(r.url()));
    await page.goto(`${server.url}/console/`);
    await page.click('indigo-console [role="tab"]:has-text("Conversations")');
    await page.locator('indigo-console .conv-list li button').first().click();
    await page.waitForSelector('indigo-console .msg.bot [part~="bubble"]');
    expect(fetched.some((u) => /\/console\/assets\/sanitize-dompurify-[^/]+\.js$/.test(u))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
