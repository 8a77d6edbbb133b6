/**
 * The relay over real HTTP on 127.0.0.1 against the Botpress-compatible and chat-messages
 * mocks (each a real HTTP server too), configured only through the env names; and
 * the offline mode of `RELAY_UPSTREAM=… npm start`. Everything the relay emits is scanned
 * for the tokens.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createBotpressMock } from '../mock-platform/botpress/index.js';
import { createChatMessagesMock } from '../mock-platform/chat-messages/index.js';
import { serveWebHandler, startRelayServer, type RelayServer } from './node.js';
import { listenOnLoopback, patFragments, sseEvents } from './fake-platform.test-helper.js';
import { eventually } from '../../test/support/mock-upstream.js';

const BOTPRESS_TOKEN = 'bp_pat_Hq3Zr8XkT2mWv6LcN9yPd4Fs';
const CHAT_KEY = 'cmk_Jt5Rw2Qz8Lx4Vn7Ks3Md9Pb6';
const SENDER_ID = '7d1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

const emitted: string[] = [];
const log = (level: string, message: string, fields?: Record<string, unknown>) =>
  emitted.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);

const serve = (handler: (r: Request) => Promise<Response>): Promise<string> =>
  listenOnLoopback(
    http.createServer((req, res) => serveWebHandler(handler, req, res, () => {})),
    closers,
  );

/** A relay from env; `site` (default: the relay's own URL) is the page origin it serves. */
async function relay(
  env: Record<string, string>,
  site?: string,
): Promise<
  RelayServer & {
    session(): Promise<string>;
    send(
      sender: string,
      data: unknown,
      extra?: Record<string, unknown>,
    ): Promise<{ status: number; events: { type: string; [k: string]: unknown }[]; text: string }>;
  }
> {
  const server = await startRelayServer({
    port: 0,
    env: { RELAY_SECRET: 'upstreams-test-secret', ...(site ? { ALLOWED_ORIGINS: site } : {}), ...env },
    log,
  });
  closers.push(() => server.close());
  const origin = site ?? server.url;
  const keep = async (res: Response) => {
    const text = await res.text();
    emitted.push(JSON.stringify([...res.headers]), text);
    return text;
  };
  return Object.assign(server, {
    async session() {
      const res = await fetch(`${server.url}/api/chat/session`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: '{}',
      });
      return (JSON.parse(await keep(res)) as { sender: string }).sender;
    },
    async send(sender: string, data: unknown, extra?: Record<string, unknown>) {
      const res = await fetch(`${server.url}/api/chat`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ sender, data, ...extra }),
      });
      const text = await keep(res);
      const events = res.headers.get('content-type')?.startsWith('text/event-stream') ? sseEvents(text).map((e) => JSON.parse(e)) : [];
      return { status: res.status, events, text };
    },
  });
}

const types = (events: { type: string }[]) => events.map((e) => e.type);

describe('RELAY_UPSTREAM=botpress over HTTP against the Botpress-compatible mock', () => {
  it('answers every payload as canonical SSE and never emits the token', async () => {
    const mock = createBotpressMock({ token: BOTPRESS_TOKEN, botId: 'bot-http', realtime: false });
    const base = await serve((r) => mock.fetch(r));
    const r = await relay({
      RELAY_UPSTREAM: 'botpress',
      BOTPRESS_API_BASE: base,
      BOTPRESS_TOKEN,
      BOTPRESS_BOT_ID: 'bot-http',
      BOTPRESS_REPLY_QUIET_MS: '150',
    });
    const sender = await r.session();
    const init = await r.send(sender, { type: 'payload', payload: 'init', label: 'START' });
    expect(init.status).toBe(200);
    expect(types(init.events)).toEqual(['processing.start', 'text', 'text', ...Array(10).fill('button'), 'processing.end']);
    for (const [payload, kind] of [
      ['audio', 'audio'],
      ['file', 'file'],
      ['location', 'location'],
      ['dropdown', 'select'],
      ['carousel', 'carousel.start'],
      ['video', 'video'],
    ] as const) {
      const res = await r.send(sender, { type: 'payload', payload, label: payload });
      expect([payload, types(res.events)]).toEqual([payload, expect.arrayContaining([kind, 'processing.end'])]);
    }
    const profile = await r.send(sender, { type: 'profile', profile: { email: 'a@b.test' } });
    expect([profile.status, JSON.parse(profile.text).error.code]).toEqual([400, 'profile_not_supported']);
    for (const fragment of patFragments(BOTPRESS_TOKEN)) expect(emitted.join('\n')).not.toContain(fragment);
  });

  it('a bot slower than the relay idle timeout is not cut off (polling keeps the upstream alive)', async () => {
    const mock = createBotpressMock({ token: BOTPRESS_TOKEN, botId: 'slow', realtime: true, replyDelayMs: [900, 900] });
    const base = await serve((r) => mock.fetch(r));
    const r = await relay({
      RELAY_UPSTREAM: 'botpress',
      BOTPRESS_API_BASE: base,
      BOTPRESS_TOKEN,
      BOTPRESS_BOT_ID: 'slow',
      BOTPRESS_REPLY_QUIET_MS: '1200', // polls every 300 ms
      RELAY_IDLE_TIMEOUT_MS: '700',
    });
    // The bot waits 900 ms before each message: longer than the idle timeout.
    const res = await r.send(await r.session(), { type: 'payload', payload: 'audio', label: 'A sound' });
    expect(types(res.events)).toEqual(['processing.start', 'text', 'audio', 'processing.end']);
  });

  it('maps a refused token to upstream_auth', async () => {
    const mock = createBotpressMock({ token: 'the-right-one', botId: 'b', realtime: false });
    const base = await serve((r) => mock.fetch(r));
    const r = await relay({ RELAY_UPSTREAM: 'botpress', BOTPRESS_API_BASE: base, BOTPRESS_TOKEN, BOTPRESS_BOT_ID: 'b' });
    const res = await r.send(await r.session(), { type: 'text', text: 'hi' });
    expect([res.status, JSON.parse(res.text).error.code]).toEqual([502, 'upstream_auth']);
    for (const fragment of patFragments(BOTPRESS_TOKEN)) expect(emitted.join('\n')).not.toContain(fragment);
  });
});

describe('RELAY_UPSTREAM=chat-messages over HTTP against the chat-messages mock', () => {
  it('answers in text chunks, refuses > 4,000 characters with 413, and never emits the key', async () => {
    const mock = createChatMessagesMock({ apiKey: CHAT_KEY, realtime: false });
    const base = await serve((r) => mock.fetch(r));
    const r = await relay({
      RELAY_UPSTREAM: 'chat-messages',
      CHAT_MESSAGES_API_BASE: base,
      CHAT_MESSAGES_API_KEY: CHAT_KEY,
      CHAT_MESSAGES_SENDER_ID: SENDER_ID,
      CHAT_MESSAGES_REPLY_QUIET_MS: '150',
      RELAY_MAX_TEXT_CHARS: '8000',
    });
    const sender = await r.session();
    const res = await r.send(sender, { type: 'text', text: 'Do you deliver <fast>?' });
    expect(types(res.events)).toEqual(['processing.start', 'text', 'text', 'processing.end']);
    expect(res.text).not.toContain('<fast>');
    const big = await r.send(sender, { type: 'text', text: 'y'.repeat(4001) });
    expect([big.status, JSON.parse(big.text).error.code]).toEqual([413, 'message_too_large']);
    expect(mock.messages.some((m) => m.content.startsWith('yyyy'))).toBe(false);
    for (const fragment of patFragments(CHAT_KEY)) expect(emitted.join('\n')).not.toContain(fragment);
  });
});

describe('offline: RELAY_UPSTREAM without credentials uses the built-in mocks and says so', () => {
  it.each([
    ['botpress', 'Botpress-compatible mock', { type: 'payload', payload: 'audio', label: 'A sound' }, 'audio'],
    ['chat-messages', 'chat-messages mock', { type: 'text', text: 'opening hours?' }, 'text'],
  ] as const)('%s', async (upstream, says, data, kind) => {
    const r = await relay({ RELAY_UPSTREAM: upstream, MOCK_REALTIME: '0' });
    expect(emitted.join('\n')).toContain(says);
    const res = await r.send(await r.session(), data);
    expect(types(res.events)).toContain(kind);
    if (upstream === 'botpress') {
      const audio = res.events.find((e) => e.type === 'audio') as unknown as { data: { src: string } };
      const media = await fetch(audio.data.src);
      expect([media.status, media.headers.get('content-type')]).toEqual([200, 'audio/wav']);
      expect((await media.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });

  it('a missing or unknown setting stops the server with one clear line', async () => {
    await expect(startRelayServer({ port: 0, env: { RELAY_UPSTREAM: 'botpress', BOTPRESS_TOKEN: 'x' }, log })).rejects.toThrow(
      /^RELAY_UPSTREAM=botpress needs BOTPRESS_BOT_ID\.$/,
    );
    await expect(startRelayServer({ port: 0, env: { RELAY_UPSTREAM: 'chat-messages', CHAT_MESSAGES_API_KEY: 'k' }, log })).rejects.toThrow(
      /CHAT_MESSAGES_API_BASE/,
    );
    await expect(startRelayServer({ port: 0, env: { RELAY_UPSTREAM: 'rasa' }, log })).rejects.toThrow(
      /RELAY_UPSTREAM must be one of indigo, botpress, chat-messages/,
    );
  });
});

/**
 * Polled platforms end an answer after a quiet time; a bot message that comes later is
 * shown first in the next answer. Per platform: its mock, its env, a question the bot
 * echoes, and how many bot messages one answer has.
 */
const POLLED = [
  {
    name: 'botpress',
    start(replyDelayMs?: readonly [number, number]) {
      const mock = createBotpressMock({
        token: BOTPRESS_TOKEN,
        botId: 'b',
        realtime: replyDelayMs !== undefined,
        replyDelayMs: replyDelayMs ?? [0, 1],
      });
      return {
        fetch: (r: Request) => mock.fetch(r),
        botMessages: () => mock.state.messages.filter((m) => m.direction === 'outgoing').length,
        env: (base: string, quietMs: number) => ({
          RELAY_UPSTREAM: 'botpress',
          BOTPRESS_API_BASE: base,
          BOTPRESS_TOKEN,
          BOTPRESS_BOT_ID: 'b',
          BOTPRESS_REPLY_QUIET_MS: String(quietMs),
        }),
      };
    },
    // "You said: *x*" then the menu.
    reply: (x: string) => [`<p>You said: <em>${x}</em></p>`, '<p>What would you like to see?</p>'],
  },
  {
    name: 'chat-messages',
    start(replyDelayMs?: readonly [number, number]) {
      const mock = createChatMessagesMock({ apiKey: CHAT_KEY, realtime: replyDelayMs !== undefined, replyDelayMs: replyDelayMs ?? [0, 1] });
      return {
        fetch: (r: Request) => mock.fetch(r),
        botMessages: () => mock.messages.filter((m) => m.role === 'assistant').length,
        env: (base: string, quietMs: number) => ({
          RELAY_UPSTREAM: 'chat-messages',
          CHAT_MESSAGES_API_BASE: base,
          CHAT_MESSAGES_API_KEY: CHAT_KEY,
          CHAT_MESSAGES_SENDER_ID: SENDER_ID,
          CHAT_MESSAGES_REPLY_QUIET_MS: String(quietMs),
        }),
      };
    },
    reply: (x: string) => [
      `<p>You wrote: &quot;${x}&quot; &lt;- plain text, shown as such.</p>`,
      '<p>Ask me about opening hours, delivery or returns.</p>',
    ],
  },
] as const;

const textsOf = (events: { type: string; [k: string]: unknown }[]) =>
  events.filter((e) => e.type === 'text').map((e) => (e['data'] as { text: string }).text);

describe('polled platforms: every answer shows its own reply, once', () => {
  it.each(POLLED)(
    '$name: a bot slower than the quiet time is not cut off by its own late message (no answer shifted one turn)',
    async (platform) => {
      // Each bot message 400 ms after the one before; quiet time 250 ms: the second message
      // of every answer comes after its answer ended.
      const mock = platform.start([400, 401]);
      const r = await relay(mock.env(await serve(mock.fetch), 250));
      const sender = await r.session();
      const answers: string[][] = [];
      for (const [i, question] of ['alpha', 'bravo', 'charlie'].entries()) {
        answers.push(textsOf((await r.send(sender, { type: 'text', text: question })).events));
        // The visitor reads, then types: the late message lands before the next question.
        await eventually(() => mock.botMessages() >= 2 * (i + 1), 10_000, 'the bot to finish');
      }
      // Each answer holds the reply to its own question (the late message of the one before first).
      expect(answers.map((a) => a.includes(platform.reply('alpha')[0]!))).toEqual([true, false, false]);
      expect(answers[1]).toContain(platform.reply('bravo')[0]);
      expect(answers[2]).toContain(platform.reply('charlie')[0]);
      // Nothing twice, nothing lost, in the bot's order (the last late message may still be out).
      const all = ['alpha', 'bravo', 'charlie'].flatMap((q) => platform.reply(q));
      expect(all.slice(0, answers.flat().length)).toEqual(answers.flat());
      expect(answers.flat().length).toBeGreaterThanOrEqual(5);
    },
    20_000,
  );

  it.each(POLLED)('$name: relay instances taking turns never repeat what another one showed', async (platform) => {
    const mock = platform.start();
    const base = await serve(mock.fetch);
    const site = 'https://shop.test';
    const one = await relay(mock.env(base, 100), site);
    const two = await relay(mock.env(base, 100), site);
    const sender = await one.session();
    const answers: string[][] = [];
    for (const [r, question] of [
      [one, 'alpha'],
      [two, 'bravo'],
      [one, 'charlie'],
      [two, 'delta'],
    ] as const) {
      answers.push(textsOf((await r.send(sender, { type: 'text', text: question })).events));
    }
    expect(answers).toEqual(['alpha', 'bravo', 'charlie', 'delta'].map((q) => platform.reply(q)));
  });
});

/**
 * Sends `text` and leaves, as the element's Stop does, once the answer so far contains
 * `until` (`processing.start`: while the typing indicator shows; `"type":"text"`: after
 * its first text). Returns what arrived.
 */
async function stopOnceShown(url: string, sender: string, text: string, until: string): Promise<string> {
  const browser = new AbortController();
  const res = await fetch(`${url}/api/chat`, {
    method: 'POST',
    headers: { origin: url, 'content-type': 'application/json' },
    body: JSON.stringify({ sender, data: { type: 'text', text } }),
    signal: browser.signal,
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let seen = '';
  while (!seen.includes(until)) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += decoder.decode(value, { stream: true });
  }
  browser.abort();
  await reader.cancel().catch(() => {});
  return seen;
}

describe('polled platforms: Stop', () => {
  // Each bot message 300 ms after the one before; a quiet time long enough for both.
  it.each(POLLED)('$name: after Stop, the rest of the stopped answer is not shown with the next one', async (platform) => {
    const mock = platform.start([300, 301]);
    const r = await relay(mock.env(await serve(mock.fetch), 900));
    const sender = await r.session();
    expect(await stopOnceShown(r.url, sender, 'alpha', '"type":"text"')).toContain(JSON.stringify(platform.reply('alpha')[0]));
    // The rest of "alpha" lands while nobody listens; then the visitor asks something else.
    await eventually(() => mock.botMessages() >= 2, 10_000, 'the bot to finish "alpha"');
    const next = await r.send(sender, { type: 'text', text: 'bravo' }, { stopped: true });
    expect(next.status).toBe(200);
    expect(textsOf(next.events)).toEqual(platform.reply('bravo'));
  });

  it.each(POLLED)('$name: a dropped connection (no Stop) still carries the rest into the next answer', async (platform) => {
    const mock = platform.start([300, 301]);
    const r = await relay(mock.env(await serve(mock.fetch), 900));
    const sender = await r.session();
    await stopOnceShown(r.url, sender, 'alpha', '"type":"text"');
    await eventually(() => mock.botMessages() >= 2, 10_000, 'the bot to finish "alpha"');
    const next = await r.send(sender, { type: 'text', text: 'bravo' });
    expect(textsOf(next.events)).toEqual([platform.reply('alpha')[1], ...platform.reply('bravo')]);
  });

  it.each(POLLED)('$name: Stop before anything showed drops the whole stopped answer', async (platform) => {
    const mock = platform.start([300, 301]);
    const r = await relay(mock.env(await serve(mock.fetch), 900));
    const sender = await r.session();
    expect(textsOf((await r.send(sender, { type: 'text', text: 'alpha' })).events)).toEqual(platform.reply('alpha'));
    // "bravo" is stopped while the typing indicator shows, before the bot said anything.
    expect(await stopOnceShown(r.url, sender, 'bravo', 'processing.start')).toContain('processing.start');
    await eventually(() => mock.botMessages() >= 4, 10_000, 'the bot to finish "bravo"');
    const next = await r.send(sender, { type: 'text', text: 'charlie' }, { stopped: true });
    expect(textsOf(next.events)).toEqual(platform.reply('charlie'));
  });
});

describe('Botpress: a bot that tags its replies with the question’s id', () => {
  const botpress = (delayMs: number, replyTag?: string) => {
    const mock = createBotpressMock({ token: BOTPRESS_TOKEN, botId: 'b', realtime: true, replyDelayMs: [delayMs, delayMs + 1], replyTag });
    return {
      mock,
      botMessages: () => mock.state.messages.filter((m) => m.direction === 'outgoing').length,
      env: async (quietMs: number) => ({
        RELAY_UPSTREAM: 'botpress',
        BOTPRESS_API_BASE: await serve((r) => mock.fetch(r)),
        BOTPRESS_TOKEN,
        BOTPRESS_BOT_ID: 'b',
        BOTPRESS_REPLY_QUIET_MS: String(quietMs),
      }),
    };
  };
  const reply = POLLED[0].reply;
  const settle = (ms: number) => new Promise((done) => setTimeout(done, ms));

  /** alpha, then bravo 0.4 s after alpha's answer ended, then charlie once the bot is done with bravo. */
  async function threeQuestions(bot: ReturnType<typeof botpress>, r: Awaited<ReturnType<typeof relay>>): Promise<string[][]> {
    const sender = await r.session();
    const answers: string[][] = [];
    answers.push(textsOf((await r.send(sender, { type: 'text', text: 'alpha' })).events));
    await settle(400);
    answers.push(textsOf((await r.send(sender, { type: 'text', text: 'bravo' })).events));
    await eventually(() => bot.botMessages() >= 4, 10_000, 'the bot to finish "bravo"');
    answers.push(textsOf((await r.send(sender, { type: 'text', text: 'charlie' })).events));
    // Whatever the interleaving: each message once, in the bot's order, nothing lost.
    const order = ['alpha', 'bravo', 'charlie'].flatMap((q) => reply(q));
    expect(answers.flat()).toEqual(order.slice(0, answers.flat().length));
    expect(answers.flat().length).toBeGreaterThanOrEqual(5);
    return answers;
  }

  it('a late message of the answer before, listed after the next question, does not end that answer before its reply', async () => {
    // Each bot message 1.2 s after the one before, quiet time 300 ms: "alpha"'s answer ends
    // after its first message, "bravo" is asked 0.4 s later, "alpha"'s second message lands
    // after it, and "bravo"'s reply 1.2 s after that: untagged, that late message would
    // start the quiet time and end "bravo"'s answer before its reply.
    const bot = botpress(1200, 'answers');
    const answers = await threeQuestions(bot, await relay(await bot.env(300)));
    expect(answers[1]).toContain(reply('bravo')[0]);
  });

  it('after Stop, the tagged rest of the stopped answer never shows, even when it lands after the next question', async () => {
    const bot = botpress(1000, 'answers');
    const r = await relay(await bot.env(1500));
    const sender = await r.session();
    // "alpha" is stopped at once; "bravo" goes out before the bot says anything.
    expect(await stopOnceShown(r.url, sender, 'alpha', 'processing.start')).toContain('processing.start');
    const texts = textsOf((await r.send(sender, { type: 'text', text: 'bravo' }, { stopped: true })).events);
    expect(texts.length).toBeGreaterThan(0);
    expect(texts).toEqual(reply('bravo').slice(0, texts.length));
  });

  it('without tags the list order decides, as before: each message once, in order, whatever answer it lands in', async () => {
    const bot = botpress(1200);
    await threeQuestions(bot, await relay(await bot.env(300)));
  });
});

describe('polled platforms: the browser leaving stops polling', () => {
  it.each(POLLED)('$name: no request reaches the platform after the browser disconnects mid-answer', async (platform) => {
    // The bot never answers within the test: only the disconnect can end the polling.
    const mock = platform.start([60_000, 60_001]);
    let requests = 0;
    const base = await serve((r) => {
      requests++;
      return mock.fetch(r);
    });
    const r = await relay({ ...mock.env(base, 1000), RELAY_IDLE_TIMEOUT_MS: '60000' });
    const sender = await r.session();
    const browser = new AbortController();
    const res = await fetch(`${r.url}/api/chat`, {
      method: 'POST',
      headers: { origin: r.url, 'content-type': 'application/json' },
      body: JSON.stringify({ sender, data: { type: 'text', text: 'hi' } }),
      signal: browser.signal,
    });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('processing.start');
    await eventually(() => requests >= 4, 10_000, 'a few polls');
    browser.abort();
    await reader.cancel().catch(() => {});
    // Whatever was in flight at the abort may still arrive; after that, silence.
    await new Promise((done) => setTimeout(done, 600));
    const settled = requests;
    await new Promise((done) => setTimeout(done, 1500));
    expect(requests).toBe(settled);
  });
});
