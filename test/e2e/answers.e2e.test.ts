// What a visitor sees of answers the platforms really give, through the real server that
// `npm start` runs (built relay + built-in mocks) in every engine: an answer without
// content (a profile stored), and a polled bot slower than the relay's quiet time.
import { afterAll, describe, expect, it } from 'vitest';
import { answersSettled, engines, part, startDemoServer, type E2EPage as Page, type Running, useEngineBrowser } from './harness.js';

const servers: Running[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

describe.each(engines)('answers through the relay in %s', (engine) => {
  const browser = useEngineBrowser(engine);

  async function open(env: Record<string, string>): Promise<Page> {
    const server = await startDemoServer({ RELAY_SECRET: 'answers-e2e-secret-0123456789abcdef', ...env });
    servers.push(server);
    const page = await browser().newPage();
    await page.goto(`${server.url}/fullscreen.html`);
    return page;
  }

  const settled = answersSettled;

  const liveQuickReplies = (page: Page) =>
    page
      .locator(`${part('quick-replies')} [part~="button"]`)
      .evaluateAll((els) => els.filter((b) => !(b as HTMLButtonElement).disabled).length);

  it('setProfile after the welcome (the platform stores it and says nothing): no empty answer, the quick replies stay live', async () => {
    const page = await open({});
    await settled(page, 1);
    const before = await liveQuickReplies(page);
    expect(before).toBeGreaterThan(0);
    await page.evaluate(() => {
      (document.querySelector('indigo-chat') as unknown as { setProfile(p: object): boolean }).setProfile({ name: 'Ada' });
    });
    await page.waitForFunction(() => {
      const el = document.querySelector('indigo-chat') as unknown as { conversation: { inFlight: boolean; queued: unknown[] } };
      return !el.conversation.inFlight && el.conversation.queued.length === 0;
    });
    await settled(page, 1);
    expect(await page.locator(part('message-bot')).count()).toBe(1);
    expect(await liveQuickReplies(page)).toBe(before);
    expect(await page.errors()).toEqual([]);
  });

  it('Botpress: a bot that pauses longer than the quiet time between its messages never shifts the answers one question late', async () => {
    // The mock's bot waits 300–800 ms before each message; the relay ends an answer after 200 ms of quiet.
    const page = await open({ RELAY_UPSTREAM: 'botpress', MOCK_REALTIME: '1', BOTPRESS_REPLY_QUIET_MS: '200' });
    await settled(page, 1);
    let bots = 1;
    for (const question of ['alpha', 'bravo', 'charlie']) {
      // The visitor reads before typing: the bot's late message lands meanwhile.
      await new Promise((done) => setTimeout(done, 2000));
      await page.locator(part('input')).fill(question);
      await page.locator(part('send')).click();
      await settled(page, ++bots);
      // The answer to this question holds its reply (the late message of the one before may precede it).
      expect(await page.locator(part('bubble'), { hasText: `You said: ${question}` }).count(), question).toBe(1);
    }
    expect(await page.errors()).toEqual([]);
  });
});
