// The demo in every engine against the two other upstreams, each through the real server that
// `RELAY_UPSTREAM=… npm start` runs (built relay + built-in mock, offline): every block
// renders as its part, a choice button and the select send their values, and a reload
// keeps the transcript.
import { afterAll, describe, expect, it } from 'vitest';
import {
  axeViolations,
  engines,
  part,
  screenshot,
  startDemoServer,
  type E2EPage as Page,
  type Running,
  useEngineBrowser,
  answersSettled,
} from './harness.js';
import { stableUuidV4 } from '../../src/relay/upstreams/uuid.js';

const servers: Running[] = [];

afterAll(async () => {
  for (const s of servers) await s.close();
});

describe.each(engines)('other upstreams in %s', (engine) => {
  const browser = useEngineBrowser(engine);

  async function open(env: Record<string, string>): Promise<{ page: Page; server: Running }> {
    const server = await startDemoServer({ RELAY_SECRET: 'platforms-e2e-secret-0123456789abcdef', ...env });
    servers.push(server);
    const page = await browser().newPage();
    await page.goto(`${server.url}/fullscreen.html`);
    return { page, server };
  }

  const settled = answersSettled;

  async function say(page: Page, text: string, bots: number) {
    await page.locator(part('input')).fill(text);
    await page.locator(part('send')).click();
    await settled(page, bots);
  }

  describe('RELAY_UPSTREAM=botpress: the demo against the Botpress-compatible mock', () => {
    it('renders every payload as its part; choice and select send their values; a reload keeps it all', async () => {
      const { page, server } = await open({ RELAY_UPSTREAM: 'botpress', BOTPRESS_REPLY_QUIET_MS: '400' });
      expect(server.logs.join('\n')).toContain('Botpress-compatible mock');
      await settled(page, 1);
      const choices = page.locator(`${part('quick-replies')} [part~="button"]`);
      expect(await choices.count()).toBe(10);

      // A choice button sends its value (the bot answers "image" with an image).
      await page.locator(`${part('quick-replies')} [part~="button"]`, { hasText: 'An image' }).click();
      await page.locator(part('message-user'), { hasText: 'An image' }).waitFor();
      await page.locator(part('image')).waitFor();
      await settled(page, 2);

      let bots = 2;
      for (const [value, selector] of [
        ['audio', part('audio')],
        ['file', part('file')],
        ['location', part('location')],
        ['carousel', part('card')],
        ['markdown', `${part('bubble')} strong`],
      ] as const) {
        await say(page, value, ++bots);
        await page.locator(selector).first().waitFor();
      }
      expect(await page.locator(part('audio')).getAttribute('preload')).toBe('none');
      expect(await page.locator(part('file')).getAttribute('download')).toBe(''); // same-origin demo media
      expect(await page.locator(`${part('location')} a`).getAttribute('href')).toMatch(/^https:\/\/www\.openstreetmap\.org\//);
      expect(await page.locator(part('card')).count()).toBe(3);

      // A Botpress bloc: text, image, audio, file and location in one message.
      await say(page, 'bloc', ++bots);
      expect([await page.locator(part('location')).count(), await page.locator(part('audio')).count()]).toEqual([2, 2]);
      await screenshot(page, 'botpress-blocks');

      // The dropdown: a native select whose send sends the chosen option's value.
      await say(page, 'dropdown', ++bots);
      const select = page.locator(part('select'));
      await select.evaluate((el, label) => {
        const s = el as unknown as HTMLSelectElement;
        s.value = [...s.options].find((o) => o.label === label)!.value;
        s.dispatchEvent(new Event('input', { bubbles: true }));
        s.dispatchEvent(new Event('change', { bubbles: true }));
      }, 'M');
      await page.locator(`${part('message-bot')} button[part~="button"]`, { hasText: 'Send' }).click();
      await page.locator(`${part('message-user')} .user-bubble`, { hasText: /^\s*M\s*$/ }).waitFor();
      await page.locator(part('bubble'), { hasText: 'Size M noted.' }).waitFor();
      // The dropdown's question is the select's label, not a second bubble.
      expect(await page.locator(part('bubble'), { hasText: 'Which size do you wear?' }).count()).toBe(0);
      await settled(page, ++bots);

      expect(await axeViolations(page)).toEqual([]);

      await page.reload();
      await settled(page, bots);
      for (const name of ['image', 'audio', 'file', 'location', 'card', 'select']) {
        expect(await page.locator(part(name)).count(), name).toBeGreaterThan(0);
      }
      expect(await page.locator(part('message-user'), { hasText: 'An image' }).count()).toBe(1);
      expect(await page.errors()).toEqual([]);
    });
  });

  describe('RELAY_UPSTREAM=chat-messages: the demo against the chat-messages mock', () => {
    it('answers free text in escaped paragraphs, message by message; a reload keeps the transcript', async () => {
      const { page, server } = await open({ RELAY_UPSTREAM: 'chat-messages', CHAT_MESSAGES_REPLY_QUIET_MS: '400' });
      expect(server.logs.join('\n')).toContain('chat-messages mock');
      await settled(page, 1);
      await page.locator(part('bubble'), { hasText: 'Ask me about opening hours' }).waitFor();
      await say(page, 'Do you deliver <b>fast</b>?', 2);
      await page.locator(part('bubble'), { hasText: 'Orders over 50 € ship for free.' }).waitFor();
      await say(page, 'something <img src=x onerror=alert(1)>', 3);
      const echoed = page.locator(part('bubble'), { hasText: 'You wrote:' });
      expect(await echoed.textContent()).toContain('<img src=x onerror=alert(1)>');
      expect(await page.locator(`${part('bubble')} img`).count()).toBe(0);
      await page.reload();
      await settled(page, 3);
      expect(await page.locator(part('bubble'), { hasText: 'Orders over 50 € ship for free.' }).count()).toBe(1);
      expect(await page.errors()).toEqual([]);
    });

    it('Stop: the rest of the stopped answer never shows, not after a reload, not with the next answer', async () => {
      // The mock answers in real time (300-800 ms per message), so Stop lands mid-answer.
      const { page, server } = await open({ RELAY_UPSTREAM: 'chat-messages', CHAT_MESSAGES_REPLY_QUIET_MS: '2000', MOCK_REALTIME: '1' });
      await settled(page, 1);
      await page.locator(part('input')).fill('How do returns work?');
      await page.locator(part('send')).click();
      await page.locator(part('bubble'), { hasText: 'You can return anything within 30 days.' }).waitFor();
      await page.locator(part('stop')).click();
      await page.locator(part('send')).waitFor();
      // What showed before Stop took effect (the next part comes 300-800 ms after the first).
      const rest = ['Keep the receipt.', 'Refunds take about a week.'];
      const shown = async () => Promise.all(rest.map((text) => page.locator(part('bubble'), { hasText: text }).count()));
      const atStop = await shown();
      // The assistant goes on without us: wait until the platform lists the rest of its answer.
      const sender: string = await page.evaluate(
        () => (document.querySelector('indigo-chat') as unknown as { conversation: { sender: string } }).conversation.sender,
      );
      const list = `${server.url}/mock-platform/api/v1/chat-messages?chatId=${await stableUuidV4(sender)}`;
      const listed = async () => (await fetch(list, { headers: { authorization: 'mock-chat-messages-key' } })).text();
      await expect.poll(async () => (await listed()).includes('Refunds take'), { timeout: 15_000 }).toBe(true);
      // A reload between Stop and the next question: the element still knows it stopped.
      await page.reload();
      await settled(page, 2);
      expect(await page.locator(part('message-bot')).last().locator('.status').textContent()).toBe('Stopped');
      await say(page, 'What are your opening hours?', 3);
      await page.locator(part('bubble'), { hasText: 'We are open Monday to Friday' }).waitFor();
      expect(await shown()).toEqual(atStop);
      expect(await page.locator(part('message-bot')).count()).toBe(3);
      expect(await page.errors()).toEqual([]);
    });
  });
});
