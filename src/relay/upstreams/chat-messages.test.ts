import { describe, expect, it, vi } from 'vitest';
import { parseChunk } from '../../core/protocol/parse.js';
import { createChatMessagesMock, type ChatMessagesMockOptions } from '../../mock-platform/chat-messages/index.js';
import { chatMessagesUpstream } from './chat-messages.js';
import { plainTextToHtml } from './plain-text-html.js';
import { chatMessagesFromEnv } from './env.js';
import { chunksOf, pollsAfterAbort, quietLog } from './answers.test-helper.js';
import { isRefusal } from './types.js';
import { isUuid, isUuidV4, stableUuidV4, uuidV5 } from './uuid.js';

const BASE = 'http://chat.test';
const KEY = 'cm_live_9vQ2xR7tLp4mZ8wK3nB6';
const SENDER_ID = '3f0b5f8e-2c1d-4a8e-9b7f-6a5c4d3e2f10';
const SENDER = 'dmlzaXRvci1vbmU.c2ln';

function setup(mockOptions: ChatMessagesMockOptions = {}, extra: { resolveChatId?: (s: string) => string } = {}) {
  const mock = createChatMessagesMock({ apiKey: KEY, realtime: false, ...mockOptions });
  const { log, lines } = quietLog();
  const requests: { method: string; url: string; body: unknown; auth: string | null }[] = [];
  const upstream = chatMessagesUpstream({
    apiBase: BASE,
    apiKey: KEY,
    senderId: SENDER_ID,
    replyQuietMs: 40,
    replyMaxMs: 3000,
    ...extra,
  }).create({
    fetch: async (r) => {
      const text = r.method === 'POST' ? await r.clone().text() : '';
      requests.push({ method: r.method, url: r.url, body: text ? JSON.parse(text) : undefined, auth: r.headers.get('authorization') });
      return mock.fetch(r);
    },
    log,
  });
  const send = (data: Parameters<typeof upstream.send>[0]['data'], signal = new AbortController().signal) =>
    upstream.send({ sender: SENDER, data, signal });
  return { mock, send, requests, lines };
}

describe('chat-messages adapter against the chat-messages mock', () => {
  it('posts the seed body and polls for the assistant messages after the visitor’s', async () => {
    const t = setup();
    const chunks = await chunksOf(await t.send({ type: 'text', text: 'What about returns?' }));
    expect(chunks.map((c) => parseChunk(c).type)).toEqual(['processing.start', 'text', 'text', 'text', 'processing.end']);
    const post = t.requests.find((r) => r.method === 'POST')!;
    const chatId = await stableUuidV4(SENDER);
    // The seed's GET takes "A UUID v4 string" as chatId (the mock refuses any other version).
    expect(isUuidV4(chatId)).toBe(true);
    expect(post).toMatchObject({
      url: `${BASE}/api/v1/chat-messages`,
      auth: KEY,
      body: {
        chatId,
        chatThreadId: null,
        content: 'What about returns?',
        senderId: SENDER_ID,
        role: 'user',
        externalId: expect.stringMatching(/^.{3,250}$/),
      },
    });
    expect(t.requests.some((r) => r.method === 'GET' && r.url === `${BASE}/api/v1/chat-messages?chatId=${chatId}`)).toBe(true);
    // A second turn shows only its own answer, never the first turn's again.
    const second = await chunksOf(await t.send({ type: 'payload', payload: 'hours', label: 'Opening hours' }));
    expect(second.filter((c) => c.type === 'text').map((c) => (c['data'] as { text: string }).text)).toEqual([
      '<p>We are open Monday to Friday, 9 to 19.<br>Saturday 10 to 13.</p>',
    ]);
  });

  it('escapes plain text and keeps paragraphs', () => {
    expect(plainTextToHtml('a <b>&\n\nb\r\nc')).toBe('<p>a &lt;b&gt;&amp;</p><p>b<br>c</p>');
  });

  it('refuses over 4,000 characters with a 413-style error and sends nothing', async () => {
    const t = setup();
    const answer = await t.send({ type: 'text', text: 'x'.repeat(4001) });
    expect(isRefusal(answer) && answer.refused).toMatchObject({ status: 413, code: 'message_too_large' });
    expect(t.requests).toHaveLength(0);
    const emoji = await t.send({ type: 'text', text: '😀'.repeat(4000) }); // 4,000 characters, 8,000 UTF-16 units
    expect(isRefusal(emoji)).toBe(false);
  });

  it('refuses a profile (no such endpoint) clearly', async () => {
    const answer = await setup().send({ type: 'profile', profile: { name: 'Ada' } });
    expect(isRefusal(answer) && answer.refused.code).toBe('profile_not_supported');
  });

  it('uses a pluggable chat resolver', async () => {
    const chatId = '11111111-2222-4333-8444-555555555555';
    const t = setup({}, { resolveChatId: () => chatId });
    await chunksOf(await t.send({ type: 'text', text: 'hi' }));
    expect(t.mock.messages.every((m) => m.chatId === chatId)).toBe(true);
  });

  it('retries a failed send once with the same externalId', async () => {
    let failed = 0;
    const t = setup({ fault: ({ method }) => (method === 'POST' && failed++ === 0 ? { status: 503 } : undefined) });
    const chunks = await chunksOf(await t.send({ type: 'text', text: 'hello' }));
    expect(chunks.map((c) => c.type)).toEqual(['processing.start', 'text', 'processing.end']);
    const posts = t.requests.filter((r) => r.method === 'POST').map((r) => (r.body as { externalId: string }).externalId);
    expect(posts).toHaveLength(2);
    expect(posts[0]).toBe(posts[1]);
  });

  it('a send the server stored before failing is not posted again: the retry finds it by its externalId', async () => {
    let failed = 0;
    const t = setup({ fault: ({ method }) => (method === 'POST' && failed++ === 0 ? { status: 502, after: true } : undefined) });
    const chunks = await chunksOf(await t.send({ type: 'text', text: 'hello' }));
    expect(chunks.map((c) => c.type)).toEqual(['processing.start', 'text', 'processing.end']);
    expect(t.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(t.mock.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['hello']);
    expect(t.lines.join('\n')).toContain('the message was stored; not sending it again');
  });

  it('a visitor who leaves while a failed send waits to look for its message stops it at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const t = setup({ fault: ({ method }) => (method === 'POST' ? { status: 503 } : undefined) });
      const abort = new AbortController();
      let outcome = 'pending';
      void t.send({ type: 'text', text: 'hello' }, abort.signal).then(
        () => (outcome = 'answered'),
        () => (outcome = 'stopped'),
      );
      const ticks = async (n: number, until = () => false) => {
        for (let i = 0; i < n && !until(); i++) await new Promise((r) => setImmediate(r));
      };
      // The POST failed and the 0.5 s wait has begun (a timer that never elapses here).
      await ticks(1000, () => vi.getTimerCount() > 0);
      expect(vi.getTimerCount()).toBe(1);
      expect(t.requests.map((r) => r.method)).toEqual(['POST']);
      abort.abort();
      await ticks(20);
      expect(outcome).toBe('stopped');
      expect(t.requests.map((r) => r.method)).toEqual(['POST']); // no lookup, no second POST
    } finally {
      vi.useRealTimers();
    }
  });

  it('a server counting UTF-16 units that refuses a long emoji message: told as too long, not as a refusal', async () => {
    const t = setup({ contentUnit: 'utf16' });
    const answer = await t.send({ type: 'text', text: '😀'.repeat(2001) }); // 2,001 characters, 4,002 units
    expect(isRefusal(answer) && answer.refused).toMatchObject({ status: 413, code: 'message_too_large' });
    // A 400 about something else, for the same long text, stays the platform's.
    const other = await setup({ fault: ({ method }) => (method === 'POST' ? { status: 400 } : undefined) }).send({
      type: 'text',
      text: '😀'.repeat(2001),
    });
    expect(isRefusal(other) ? other.refused : other.status).toBe(400);
  });

  it('answers from a human agent posting as `user` under its own sender id are shown', async () => {
    const AGENT = '9d2c7a10-5b3e-4f6a-8c1d-2e3f4a5b6c7d';
    const t = setup({ answerAs: { role: 'user', senderId: AGENT } });
    const chunks = await chunksOf(await t.send({ type: 'text', text: 'What about returns?' }));
    expect(chunks.filter((c) => c.type === 'text')).toHaveLength(3);
    // The visitor's own message (this relay's sender id) is never shown back as an answer.
    const next = await chunksOf(await t.send({ type: 'text', text: 'hours' }));
    const texts = next.filter((c) => c.type === 'text').map((c) => (c['data'] as { text: string }).text);
    expect(texts).toEqual(['<p>We are open Monday to Friday, 9 to 19.<br>Saturday 10 to 13.</p>']);
  });

  it('a server stamping the chat’s sender id on the assistant’s answers: still answers', async () => {
    const t = setup({ answerAs: { role: 'assistant', senderId: SENDER_ID.toUpperCase() } });
    const chunks = await chunksOf(await t.send({ type: 'text', text: 'What about returns?' }));
    expect(chunks.filter((c) => c.type === 'text')).toHaveLength(3);
  });

  it('a resolveChatId that gives another UUID version is refused before anything is posted', async () => {
    const t = setup({}, { resolveChatId: () => '3f0b5f8e-2c1d-1a8e-9b7f-6a5c4d3e2f10' }); // v1
    const answer = await t.send({ type: 'text', text: 'hi' });
    expect(isRefusal(answer) && answer.refused.code).toBe('chat_unresolved');
    expect(t.requests).toEqual([]);
    expect(t.lines.join('\n')).toContain('resolveChatId must give a UUID v4');
  });

  it.each([
    [401, null],
    [403, null],
    [404, null],
    [429, '5'],
    [500, null],
  ])('hands a %i on send to the relay with its status', async (status, retry) => {
    const t = setup({
      fault: ({ method }) => (method === 'POST' ? { status, ...(retry ? { headers: { 'retry-after': retry } } : {}) } : undefined),
    });
    const answer = await t.send({ type: 'text', text: 'hi' });
    if (isRefusal(answer)) throw new Error('refused');
    expect([answer.status, answer.headers.get('retry-after')]).toEqual([status, retry]);
  });

  it('a wrong key is a 401', async () => {
    const mock = createChatMessagesMock({ apiKey: KEY, realtime: false });
    const up = chatMessagesUpstream({ apiBase: BASE, apiKey: 'nope', senderId: SENDER_ID }).create({
      fetch: (r) => mock.fetch(r),
      log: () => {},
    });
    const answer = await up.send({ sender: SENDER, data: { type: 'text', text: 'x' }, signal: new AbortController().signal });
    expect(answer instanceof Response && answer.status).toBe(401);
  });

  it('abort stops polling', async () => {
    const t = setup({ realtime: true });
    const abort = new AbortController();
    const answer = await t.send({ type: 'text', text: 'hi' }, abort.signal);
    const [before, after] = await pollsAfterAbort(answer, abort, () => t.requests.filter((r) => r.method === 'GET').length, 400);
    expect(after).toBe(before);
  });

  it('env: the issue’s names; a missing one stops with one clear line', async () => {
    expect(() => chatMessagesFromEnv({})).toThrow('RELAY_UPSTREAM=chat-messages needs CHAT_MESSAGES_API_BASE.');
    expect(() => chatMessagesFromEnv({ CHAT_MESSAGES_API_BASE: BASE })).toThrow(/CHAT_MESSAGES_API_KEY/);
    expect(() => chatMessagesFromEnv({ CHAT_MESSAGES_API_BASE: BASE, CHAT_MESSAGES_API_KEY: KEY })).toThrow(/CHAT_MESSAGES_SENDER_ID/);
    expect(() => chatMessagesFromEnv({ CHAT_MESSAGES_API_BASE: BASE, CHAT_MESSAGES_API_KEY: KEY, CHAT_MESSAGES_SENDER_ID: 'me' })).toThrow(
      /UUID/,
    );
    // A UUID of another version (v5 here): the seed's senderId is "A UUID v4 string".
    expect(() =>
      chatMessagesFromEnv({
        CHAT_MESSAGES_API_BASE: BASE,
        CHAT_MESSAGES_API_KEY: KEY,
        CHAT_MESSAGES_SENDER_ID: '2ed6657d-e927-568b-95e1-2665a8aea6a2',
      }),
    ).toThrow('CHAT_MESSAGES_SENDER_ID must be a UUID v4.');
    expect(() =>
      chatMessagesFromEnv({
        CHAT_MESSAGES_API_BASE: BASE,
        CHAT_MESSAGES_API_KEY: KEY,
        CHAT_MESSAGES_SENDER_ID: SENDER_ID,
        CHAT_MESSAGES_REPLY_MAX_MS: '0',
      }),
    ).toThrow(/CHAT_MESSAGES_REPLY_MAX_MS/);
    expect(
      chatMessagesFromEnv({ CHAT_MESSAGES_API_BASE: BASE, CHAT_MESSAGES_API_KEY: KEY, CHAT_MESSAGES_SENDER_ID: SENDER_ID }).secrets,
    ).toContain(KEY);
  });

  it('derives a stable RFC 9562 UUID v5 per sender, and the same hash in the v4 layout for chat ids', async () => {
    // Known vector: uuid v5 of "www.example.com" in the DNS namespace.
    expect(await uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(await stableUuidV4('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-468b-95e1-2665a8aea6a2');
    const a = await uuidV5(SENDER);
    expect([isUuid(a), a === (await uuidV5(SENDER)), a === (await uuidV5(`${SENDER}x`))]).toEqual([true, true, false]);
    const b = await stableUuidV4(SENDER);
    expect([isUuidV4(b), isUuidV4(a), b === (await stableUuidV4(SENDER)), b === (await stableUuidV4(`${SENDER}x`))]).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it('the mock, like the seed, takes only a UUID v4 as GET chatId and POST senderId', async () => {
    const { mock } = setup();
    const v5 = '2ed6657d-e927-568b-95e1-2665a8aea6a2';
    const get = await mock.fetch(new Request(`${BASE}/api/v1/chat-messages?chatId=${v5}`, { headers: { authorization: KEY } }));
    const post = await mock.fetch(
      new Request(`${BASE}/api/v1/chat-messages`, {
        method: 'POST',
        headers: { authorization: KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ chatId: SENDER_ID, chatThreadId: null, content: 'hi', externalId: 'ext-1', senderId: v5, role: 'user' }),
      }),
    );
    expect([get.status, post.status]).toEqual([400, 400]);
  });

  /** A gateway in front of the API drops the send receipt's body (the message is stored); `failLookup`: the first GET fails too. */
  async function bodilessReceipt(failLookup: boolean) {
    const mock = createChatMessagesMock({ apiKey: KEY, realtime: false });
    const { log } = quietLog();
    let gets = 0;
    const upstream = chatMessagesUpstream({ apiBase: BASE, apiKey: KEY, senderId: SENDER_ID, replyQuietMs: 40, replyMaxMs: 600 }).create({
      fetch: async (r) => {
        if (failLookup && r.method === 'GET' && gets++ === 0) return new Response('busy', { status: 503 });
        const res = await mock.fetch(r);
        return r.method === 'POST' && res.status === 200 ? new Response(null, { status: 200 }) : res;
      },
      log,
    });
    const chunks = await chunksOf(
      await upstream.send({ sender: SENDER, data: { type: 'text', text: 'What about returns?' }, signal: new AbortController().signal }),
    );
    return chunks.map((c) => parseChunk(c).type);
  }

  it('finds the visitor’s message by its externalId when the send receipt has no body (the answer is not lost)', async () => {
    expect(await bodilessReceipt(false)).toEqual(['processing.start', 'text', 'text', 'text', 'processing.end']);
  });

  it('a receipt without a body and a failed lookup still shows the answer (from the time of the send)', async () => {
    expect(await bodilessReceipt(true)).toEqual(['processing.start', 'text', 'text', 'text', 'processing.end']);
  });
});
