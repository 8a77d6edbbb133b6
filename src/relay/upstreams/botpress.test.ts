import { describe, expect, it } from 'vitest';
import { parseChunk } from '../../core/protocol/parse.js';
import { createBotpressMock, type BotpressMockOptions } from '../../mock-platform/botpress/index.js';
import { RelayConfigError } from '../config-error.js';
import { botpressChunks, markdownToHtml } from './botpress-payloads.js';
import { botpressUpstream, type BotpressSettings } from './botpress.js';
import { botpressFromEnv } from './env.js';
import { chunksOf, pollsAfterAbort, quietLog } from './answers.test-helper.js';
import { isRefusal } from './types.js';
import { decodeChunks } from '../../core/protocol/decode.js';

const BASE = 'http://botpress.test';
const TOKEN = 'bp_pat_Q7mX2kLw9RtY4vNc8ZpS';
const SENDER = 'c2VuZGVyLWlkLWZvci10ZXN0cw.c2lnbmF0dXJl';

function setup(mockOptions: BotpressMockOptions = {}, quietMs = 40, settings: Partial<BotpressSettings> = {}) {
  const mock = createBotpressMock({ token: TOKEN, botId: 'bot-1', realtime: false, mediaBase: `${BASE}/media`, ...mockOptions });
  const { log, lines } = quietLog();
  const requests: Request[] = [];
  const upstream = botpressUpstream({
    apiBase: BASE,
    token: TOKEN,
    botId: 'bot-1',
    integrationId: 'int-9',
    replyQuietMs: quietMs,
    replyMaxMs: 3000,
    ...settings,
  }).create({
    fetch: (r) => {
      requests.push(r.clone());
      return mock.fetch(r);
    },
    log,
  });
  const send = (data: Parameters<typeof upstream.send>[0]['data'], signal = new AbortController().signal, sender = SENDER) =>
    upstream.send({ sender, data, signal });
  return { mock, upstream, send, lines, requests };
}

const kinds = (chunks: { type: string }[]) => chunks.map((c) => parseChunk(c).type);

describe('Botpress adapter against the Botpress-compatible mock', () => {
  it('creates the visitor once, sends with the seed headers, and answers with the bot messages in order', async () => {
    const t = setup();
    const chunks = await chunksOf(await t.send({ type: 'payload', payload: 'init', label: 'START' }));
    expect(kinds(chunks)).toEqual(['processing.start', 'text', 'text', ...Array(10).fill('button'), 'processing.end']);
    expect((chunks[1]!['data'] as { text: string }).text).toBe(
      '<p>Hi! I&#39;m the <strong>Indigo Bikes</strong> bot, running on a Botpress-compatible API.</p>',
    );
    const first = t.requests[0]!;
    expect(first.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(first.headers.get('x-bot-id')).toBe('bot-1');
    expect(first.headers.get('x-integration-id')).toBe('int-9');
    // The seed expects Content-type: application/json on every request: the polls (GETs) too.
    expect(t.requests.some((r) => r.method === 'GET')).toBe(true);
    expect(t.requests.filter((r) => r.headers.get('content-type') !== 'application/json').map((r) => r.method)).toEqual([]);
    await chunksOf(await t.send({ type: 'text', text: 'hello again' }));
    expect(t.mock.state.users.size).toBe(1);
    expect(t.mock.state.conversations.size).toBe(1);
    const incoming = t.mock.state.messages.filter((m) => m.direction === 'incoming');
    expect(incoming.map((m) => [m.type, m.payload])).toEqual([
      ['text', { text: 'init' }],
      ['text', { text: 'hello again' }],
    ]);
    // The platform never sees the sender id (a bearer secret), only a derived key.
    expect(JSON.stringify([...t.mock.state.users.values()])).not.toContain(SENDER.slice(0, 12));
  });

  it('maps every payload type to chunks the core parses', async () => {
    const t = setup();
    const expectations: [string, string[]][] = [
      ['image', ['image']],
      ['video', ['video']],
      ['audio', ['text', 'audio']],
      ['file', ['file']],
      ['location', ['location']],
      [
        'card',
        [
          'carousel.start',
          'carousel.card.start',
          'carousel.card.button',
          'carousel.card.link',
          'carousel.card.button',
          'carousel.card.end',
          'carousel.end',
        ],
      ],
      ['dropdown', ['select']],
      ['markdown', ['text']],
      ['bloc', ['text', 'image', 'audio', 'file', 'location']],
    ];
    for (const [value, expected] of expectations) {
      const chunks = await chunksOf(await t.send({ type: 'payload', payload: value }));
      expect([value, kinds(chunks).slice(1, -1)]).toEqual([value, expected]);
    }
    const carousel = await chunksOf(await t.send({ type: 'payload', payload: 'carousel' }));
    expect(kinds(carousel).filter((k) => k === 'carousel.card.start')).toHaveLength(3);
    const dropdown = (await chunksOf(await t.send({ type: 'payload', payload: 'dropdown' }))).map(parseChunk);
    const select = dropdown.find((c) => c.type === 'select');
    expect(select).toMatchObject({ type: 'select', options: expect.arrayContaining([{ label: 'M', payload: 'size:M' }]) });
  });

  it('markdown nested past 16 levels or over 32 KB goes out as plain text (marked would block the relay for seconds or overflow)', () => {
    const html = (md: string) => (parseChunk(botpressChunks('text', { text: md }, 'm')[0]) as { text: string }).text;
    // Each of these took marked 0.5-1.7 s and then threw (RangeError), or grows with nesting like it.
    const hostile = [
      '>'.repeat(6000) + ' x',
      '- '.repeat(5000) + 'x',
      Array.from({ length: 400 }, (_, i) => `${' '.repeat(i * 2)}- a`).join('\n'),
      `**a** ${'b'.repeat(40_000)}`,
    ];
    for (const md of hostile) {
      const out = html(md);
      expect(out.startsWith('<p>'), md.slice(0, 20)).toBe(true);
      expect(out).not.toMatch(/<(ul|li|blockquote|strong)\b/);
    }
    expect(html('> ' + '>'.repeat(6000) + ' <b>x</b>')).toContain('&lt;b&gt;x&lt;/b&gt;'); // escaped, as text
    // Ordinary markdown is still markdown: emphasis, a list nested a few levels, code indented deeply.
    expect(markdownToHtml('**a**\n\n- one\n  - two\n    - three')).toMatch(
      /<strong>a<\/strong>[\s\S]*<ul>[\s\S]*<ul>[\s\S]*<li>three<\/li>/,
    );
    expect(markdownToHtml('```\n' + ' '.repeat(60) + '{"deep": 1}\n```')).toContain('<pre><code>');
  });

  it('maps payload fields exactly (Botpress public schema names)', () => {
    expect(botpressChunks('file', { fileUrl: 'https://x.test/a/Price%20list.pdf' }, 'm')).toEqual([
      { type: 'file', data: { url: 'https://x.test/a/Price%20list.pdf', name: 'Price list.pdf' } },
    ]);
    expect(botpressChunks('location', { latitude: 1.5, longitude: 2.5, address: 'Via Roma 1' }, 'm')).toEqual([
      { type: 'location', data: { latitude: 1.5, longitude: 2.5, title: '', address: 'Via Roma 1' } },
    ]);
    expect(botpressChunks('choice', { text: 'Pick', options: [{ label: 'Yes', value: 'y' }] }, 'm').map(parseChunk)).toEqual([
      { type: 'text', text: '<p>Pick</p>', isCaption: false, isGenerated: false },
      { type: 'button', label: 'Yes', payload: 'y' },
    ]);
    expect(
      botpressChunks(
        'card',
        {
          title: 'T',
          actions: [
            { action: 'say', label: 'Say', value: 'hi' },
            { action: 'url', label: 'Go', value: 'https://x.test' },
          ],
        },
        'm7',
      ).map(parseChunk),
    ).toEqual([
      { type: 'carousel.start', carouselId: 'm7' },
      { type: 'carousel.card.start', carouselId: 'm7', cardIndex: 1, title: 'T', description: '', image: null },
      { type: 'carousel.card.button', carouselId: 'm7', cardIndex: 1, label: 'Say', payload: 'hi' },
      { type: 'carousel.card.link', carouselId: 'm7', cardIndex: 1, label: 'Go', url: 'https://x.test' },
      { type: 'carousel.card.end', carouselId: 'm7', cardIndex: 1 },
      { type: 'carousel.end', carouselId: 'm7' },
    ]);
    const many = Array.from({ length: 11 }, (_, i) => ({ label: `L${i}`, value: `v${i}` }));
    expect(botpressChunks('choice', { text: 'Pick', options: many }, 'm').map(parseChunk)).toMatchObject([
      { type: 'select', label: 'Pick' },
    ]);
    for (const bad of [null, 'x', { imageUrl: 3 }]) expect(botpressChunks('image', bad, 'm')).toEqual([]);
    expect(botpressChunks('somethingNew', { text: 'x' }, 'm')).toEqual([]);
  });

  it('follows meta.nextToken across pages and emits every message once, in order', async () => {
    const t = setup({ pageSize: 7 });
    await chunksOf(await t.send({ type: 'text', text: 'hello' }));
    const chunks = await chunksOf(await t.send({ type: 'payload', payload: 'many' }));
    const texts = chunks.filter((c) => c.type === 'text').map((c) => (c['data'] as { text: string }).text);
    expect(texts).toEqual(Array.from({ length: 25 }, (_, i) => `<p>Part ${i + 1} of 25 of a long answer.</p>`));
    expect(t.mock.log.some((l) => l.includes('nextToken='))).toBe(true);
    // It stops paging at the visitor's message: the older turn's pages are not read.
    const lastPoll = t.mock.log.filter((l) => l.startsWith('GET /v1/chat/messages')).at(-1)!;
    expect(lastPoll).toContain('nextToken=');
  });

  it('a server that omits createdAt: only messages listed before the visitor’s count', async () => {
    const { log } = quietLog();
    const list = [
      { id: 'new', type: 'text', payload: { text: 'new answer' }, direction: 'outgoing', conversationId: 'c1' },
      { id: 'mine', type: 'text', payload: { text: 'hi' }, direction: 'incoming', conversationId: 'c1' },
      { id: 'old', type: 'text', payload: { text: 'old answer' }, direction: 'outgoing', conversationId: 'c1' },
    ];
    const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    const up = botpressUpstream({ apiBase: BASE, token: TOKEN, botId: 'b', replyQuietMs: 30 }).create({
      log,
      fetch: async (r) => {
        const path = new URL(r.url).pathname;
        if (path.endsWith('/users/get-or-create')) return json({ user: { id: 'u1' } });
        if (path.endsWith('/conversations/get-or-create')) return json({ conversation: { id: 'c1' } });
        if (r.method === 'POST') return json({ message: { id: 'mine' } });
        return json({ messages: list, meta: {} });
      },
    });
    const chunks = await chunksOf(
      await up.send({ sender: SENDER, data: { type: 'text', text: 'hi' }, signal: new AbortController().signal }),
    );
    expect(chunks.filter((c) => c.type === 'text').map((c) => (c['data'] as { text: string }).text)).toEqual(['<p>new answer</p>']);
  });

  it('a bot message that lands after an answer ended comes with the next answer, once', async () => {
    const t = setup();
    await chunksOf(await t.send({ type: 'text', text: 'hi' }));
    const first = t.mock.state.messages.find((m) => m.direction === 'outgoing')!;
    // The bot speaks again after the quiet time: nobody is polling.
    (t.mock.state.messages as (typeof first)[]).push({
      ...first,
      id: 'msg_late',
      createdAt: new Date(Date.parse(first.createdAt) + 5).toISOString(),
      payload: { text: 'Late thought' },
    });
    const texts = async (text: string) =>
      (await chunksOf(await t.send({ type: 'text', text })))
        .filter((c) => c.type === 'text')
        .map((c) => (c['data'] as { text: string }).text);
    expect(await texts('second')).toEqual([
      '<p>Late thought</p>',
      '<p>You said: <em>second</em></p>',
      '<p>What would you like to see?</p>',
    ]);
    expect(await texts('third')).toEqual(['<p>You said: <em>third</em></p>', '<p>What would you like to see?</p>']);
  });

  it("messages fetched but not yet delivered when the visitor's connection drops come with the next answer", async () => {
    const t = setup();
    await chunksOf(await t.send({ type: 'text', text: 'hi' }));
    const drop = new AbortController();
    const answer = await t.send({ type: 'text', text: 'many' }, drop.signal); // 25 messages in one poll
    if (isRefusal(answer) || !answer.body) throw new Error('no answer');
    const seen: string[] = [];
    for await (const c of decodeChunks(answer.body)) {
      const text = (c as { data?: { text?: string } }).data?.text;
      if (text) seen.push(text);
      if (seen.length === 2) break; // the visitor's connection drops after two of them
    }
    drop.abort();
    const next = (await chunksOf(await t.send({ type: 'text', text: 'image' })))
      .filter((c) => c.type === 'text' || c.type === 'image')
      .map((c) => (c.type === 'image' ? 'image' : (c['data'] as { text: string }).text));
    const parts = next.filter((x) => /Part \d+ of 25/.test(x));
    // The ones not delivered (all but the two read, give or take one the stream had pulled ahead), in order, then the new answer.
    expect(parts.length).toBeGreaterThanOrEqual(22);
    expect(parts.at(-1)).toContain('Part 25 of 25');
    expect(parts.map((x) => Number(/Part (\d+)/.exec(x)![1]))).toEqual([...parts.keys()].map((i) => 26 - parts.length + i));
    expect(next.indexOf('image')).toBeGreaterThan(next.lastIndexOf(parts.at(-1)!));
    expect(seen).toEqual(['<p>Part 1 of 25 of a long answer.</p>', '<p>Part 2 of 25 of a long answer.</p>']);
  });

  it('the mock keeps a bounded request log (the demo server runs it for days)', async () => {
    const t = setup();
    for (let i = 0; i < 2100; i++) await t.mock.fetch(new Request(`${BASE}/v1/chat/messages?i=${i}`));
    expect(t.mock.log.length).toBeLessThanOrEqual(2000);
    expect(t.mock.log.at(-1)).toContain('i=2099');
  });

  it('a server that lists oldest first is read to its last page', async () => {
    const { log } = quietLog();
    const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
    const list = [
      ...Array.from({ length: 23 }, (_, i) => ({
        id: `old${i}`,
        createdAt: at(i),
        type: 'text',
        payload: { text: `old ${i}` },
        direction: i % 2 ? 'outgoing' : 'incoming',
      })),
      { id: 'mine', createdAt: at(30), type: 'text', payload: { text: 'hi' }, direction: 'incoming' },
      { id: 'new1', createdAt: at(31), type: 'text', payload: { text: 'new 1' }, direction: 'outgoing' },
      { id: 'new2', createdAt: at(32), type: 'text', payload: { text: 'new 2' }, direction: 'outgoing' },
    ];
    const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    const up = botpressUpstream({ apiBase: BASE, token: TOKEN, botId: 'b', replyQuietMs: 30 }).create({
      log,
      fetch: async (r) => {
        const url = new URL(r.url);
        if (url.pathname.endsWith('/users/get-or-create')) return json({ user: { id: 'u1' } });
        if (url.pathname.endsWith('/conversations/get-or-create')) return json({ conversation: { id: 'c1' } });
        if (r.method === 'POST') return json({ message: { id: 'mine', createdAt: at(30) } });
        const from = Number(url.searchParams.get('nextToken') ?? 0);
        return json({ messages: list.slice(from, from + 10), meta: from + 10 < list.length ? { nextToken: String(from + 10) } : {} });
      },
    });
    const chunks = await chunksOf(
      await up.send({ sender: SENDER, data: { type: 'text', text: 'hi' }, signal: new AbortController().signal }),
    );
    expect(chunks.filter((c) => c.type === 'text').map((c) => (c['data'] as { text: string }).text)).toEqual([
      '<p>new 1</p>',
      '<p>new 2</p>',
    ]);
  });

  it('recreates the user and conversation when Botpress answers 400 ReferenceNotFound (a deleted conversation named in the message body)', async () => {
    const t = setup();
    await chunksOf(await t.send({ type: 'text', text: 'hi' }));
    const [conversation] = [...t.mock.state.conversations.keys()];
    const headers = { authorization: `Bearer ${TOKEN}`, 'x-bot-id': 'bot-1', 'content-type': 'application/json' };
    await t.mock.fetch(new Request(`${BASE}/v1/chat/conversations/${conversation}`, { method: 'DELETE', headers }));
    // The mock answers as the seed's error list documents: an invalid id inside the payload.
    const refused = await t.mock.fetch(
      new Request(`${BASE}/v1/chat/messages`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          userId: [...t.mock.state.users.keys()][0],
          conversationId: conversation,
          type: 'text',
          payload: { text: 'x' },
          tags: {},
        }),
      }),
    );
    expect([refused.status, ((await refused.json()) as { type: string }).type]).toEqual([400, 'ReferenceNotFound']);
    const chunks = await chunksOf(await t.send({ type: 'payload', payload: 'image' }));
    expect(kinds(chunks)).toEqual(['processing.start', 'image', 'processing.end']);
    expect(t.lines.join('\n')).toContain('recreating user and conversation');
    expect(t.mock.state.conversations.size).toBe(1);
  });

  it('recreates them on a 404 too, once, and hands any other 400 on', async () => {
    let faults = 0;
    let status = 404;
    const t = setup({
      fault: ({ method, path }) => (method === 'POST' && path === '/v1/chat/messages' && faults++ === 1 ? { status } : undefined),
    });
    await chunksOf(await t.send({ type: 'text', text: 'hi' }));
    expect(kinds(await chunksOf(await t.send({ type: 'payload', payload: 'image' })))).toEqual([
      'processing.start',
      'image',
      'processing.end',
    ]);
    expect(t.lines.join('\n')).toContain('recreating user and conversation');
    faults = 1;
    status = 400; // InvalidPayload: not about the visitor, so not retried
    const answer = await t.send({ type: 'text', text: 'again' });
    expect(!isRefusal(answer) && answer.status).toBe(400);
    expect(t.lines.join('\n').split('recreating').length).toBe(2);
  });

  it.each([
    [401, {}],
    [403, {}],
    [413, {}],
    [429, { 'retry-after': '9' }],
    [500, {}],
  ])('hands a %i on send to the relay with its status (and Retry-After)', async (status, headers) => {
    const t = setup({ fault: ({ method, path }) => (method === 'POST' && path === '/v1/chat/messages' ? { status, headers } : undefined) });
    const answer = await t.send({ type: 'text', text: 'hi' });
    if (isRefusal(answer)) throw new Error('unexpected refusal');
    expect(answer.status).toBe(status);
    expect(answer.headers.get('retry-after')).toBe(status === 429 ? '9' : null);
  });

  it.each([
    [403, 'QuotaExceeded', 'QuotaExceeded' as const],
    [413, 'LimitExceeded', 'LimitExceeded' as const],
    [402, 'PaymentRequired', undefined],
  ])("a %i %s (the workspace's plan) is refused as upstream_quota, not as the token or the message", async (status, _name, type) => {
    const t = setup({ fault: ({ method, path }) => (method === 'POST' && path === '/v1/chat/messages' ? { status, type } : undefined) });
    const answer = await t.send({ type: 'text', text: 'hi' });
    expect(isRefusal(answer) && answer.refused).toEqual({ status: 502, code: 'upstream_quota', message: expect.any(String) });
    expect(t.lines.join('\n')).toContain(`"status":${status}`);
    if (type) expect(t.lines.join('\n')).toContain(`"type":"${type}"`);
  });

  it.each([
    [403, 'QuotaExceeded', 'QuotaExceeded' as const],
    [413, 'LimitExceeded', 'LimitExceeded' as const],
    [402, 'PaymentRequired', undefined],
  ])(
    'a %i %s reached while polling ends the answer with upstream_quota (a plain 403 still says upstream_auth)',
    async (status, _name, quota) => {
      let type: 'QuotaExceeded' | 'LimitExceeded' | undefined = quota;
      let refusing: number = status;
      const t = setup({
        fault: ({ method, path }) => (method === 'GET' && path.startsWith('/v1/chat/messages') ? { status: refusing, type } : undefined),
      });
      const chunks = await chunksOf(await t.send({ type: 'text', text: 'hi' }));
      expect(chunks).toEqual([
        { type: 'processing.start' },
        { type: 'error', error: { code: 'upstream_quota', message: expect.any(String) } },
        { type: 'processing.end' },
      ]);
      type = undefined;
      refusing = 403;
      const forbidden = await chunksOf(await t.send({ type: 'text', text: 'again' }));
      expect(forbidden[1]).toEqual({ type: 'error', error: { code: 'upstream_auth', message: expect.any(String) } });
    },
  );

  it('the mock, like the seed, refuses a request without Content-type: application/json (415, the seed error object)', async () => {
    const t = setup();
    const res = await t.mock.fetch(
      new Request(`${BASE}/v1/chat/messages?conversationId=c1`, { headers: { authorization: `Bearer ${TOKEN}`, 'x-bot-id': 'bot-1' } }),
    );
    expect([res.status, await res.json()]).toEqual([
      415,
      { type: 'UnsupportedMediaType', description: 'The request is invalid because the content-type is not supported.', status: 415 },
    ]);
  });

  it('a wrong token or bot id gives 401/403 from the platform', async () => {
    const mock = createBotpressMock({ token: TOKEN, botId: 'bot-1', realtime: false });
    const { log } = quietLog();
    for (const [token, botId, status] of [
      ['wrong', 'bot-1', 401],
      [TOKEN, 'other-bot', 403],
    ] as const) {
      const up = botpressUpstream({ apiBase: BASE, token, botId }).create({ fetch: (r) => mock.fetch(r), log });
      const answer = await up.send({ sender: SENDER, data: { type: 'text', text: 'x' }, signal: new AbortController().signal });
      expect(answer instanceof Response && answer.status).toBe(status);
    }
  });

  it('backs off when polling is rate limited and still delivers the answer', async () => {
    let limited = 0;
    const t = setup({
      fault: ({ method, path }) =>
        method === 'GET' && path.startsWith('/v1/chat/messages') && limited++ < 1
          ? { status: 429, headers: { 'retry-after': '0' } }
          : undefined,
    });
    const chunks = await chunksOf(await t.send({ type: 'payload', payload: 'image' }));
    expect(kinds(chunks)).toEqual(['processing.start', 'image', 'processing.end']);
    expect(limited).toBeGreaterThan(1);
  });

  it('abort stops polling', async () => {
    const t = setup({ realtime: true }, 10_000);
    const abort = new AbortController();
    const answer = await t.send({ type: 'text', text: 'hi' }, abort.signal);
    const [before, after] = await pollsAfterAbort(answer, abort, () => t.mock.log.filter((l) => l.startsWith('GET')).length, 600);
    expect(after).toBe(before);
  });

  it('updates the user for name/pictureUrl profiles and refuses other keys clearly', async () => {
    const t = setup();
    const ok = await chunksOf(await t.send({ type: 'profile', profile: { name: 'Ada', pictureUrl: 'https://x.test/a.png' } }));
    expect(kinds(ok)).toEqual(['processing.start', 'processing.end']);
    expect([...t.mock.state.users.values()][0]).toMatchObject({ name: 'Ada', pictureUrl: 'https://x.test/a.png' });
    const refused = await t.send({ type: 'profile', profile: { email: 'ada@x.test' } });
    expect(isRefusal(refused) && refused.refused).toMatchObject({ status: 400, code: 'profile_not_supported' });
  });

  it('tags the visitor with the tag the bot declares, names the integration and the channel; an undeclared tag is refused and logged as such', async () => {
    // A bot declaring a `visitor` tag only (Botpress restricts tags to those the bot defines).
    const mock = { declaredTags: ['visitor'] };
    const t = setup(mock, 40, { visitorTag: 'visitor', integrationName: 'webchat', channel: 'web' });
    expect(kinds(await chunksOf(await t.send({ type: 'text', text: 'hi' })))).toContain('text');
    const bodies = await Promise.all(
      t.requests.filter((r) => r.url.endsWith('/get-or-create')).map(async (r) => [new URL(r.url).pathname, await r.json()] as const),
    );
    expect(
      bodies.map(([path, b]: readonly [string, { tags: Record<string, string>; integrationName?: string; channel?: string }]) => [
        path,
        Object.keys(b.tags),
        b.integrationName,
        b.channel,
      ]),
    ).toEqual([
      ['/v1/chat/users/get-or-create', ['visitor'], 'webchat', undefined],
      ['/v1/chat/conversations/get-or-create', ['visitor'], 'webchat', 'web'],
    ]);
    const [conversation] = [...t.mock.state.conversations.values()];
    expect([conversation!.channel, conversation!.integration]).toEqual(['web', 'webchat']);

    // The default tag `id` against that bot: refused before anything is sent, and the log
    // says which call and Botpress's error type (never an id of the path, nor a body).
    const wrong = setup(mock);
    const answer = await wrong.send({ type: 'text', text: 'hi' });
    expect(!isRefusal(answer) && answer.status).toBe(400);
    expect(wrong.mock.state.messages).toEqual([]);
    expect(wrong.lines.filter((l) => l.includes('Botpress refused a call'))).toEqual([
      'warn relay: Botpress refused a call {"call":"POST /v1/chat/users/get-or-create","status":400,"type":"InvalidPayload"}',
    ]);
  });

  it('logs a refused call by its path without the ids in it', async () => {
    const t = setup({
      fault: ({ method, path }) => (method === 'PUT' && path.startsWith('/v1/chat/users/') ? { status: 409 } : undefined),
    });
    await t.upstream.send({ sender: SENDER, data: { type: 'profile', profile: { name: 'Ada' } }, signal: new AbortController().signal });
    expect(t.lines.filter((l) => l.includes('Botpress refused a call'))).toEqual([
      'warn relay: Botpress refused a call {"call":"PUT /v1/chat/users/{id}","status":409,"type":"RelationConflict"}',
    ]);
  });

  it('reads its settings from the env names of the issue; a missing one stops with one clear line', () => {
    expect(() => botpressFromEnv({})).toThrow(new RelayConfigError('RELAY_UPSTREAM=botpress needs BOTPRESS_TOKEN.'));
    expect(() => botpressFromEnv({ BOTPRESS_TOKEN: 't' })).toThrow(/BOTPRESS_BOT_ID/);
    expect(() => botpressFromEnv({ BOTPRESS_TOKEN: 't', BOTPRESS_BOT_ID: 'b', BOTPRESS_REPLY_QUIET_MS: 'soon' })).toThrow(
      /BOTPRESS_REPLY_QUIET_MS/,
    );
    expect(() => botpressFromEnv({ BOTPRESS_TOKEN: 't', BOTPRESS_BOT_ID: 'b', BOTPRESS_API_BASE: 'ftp://x' })).toThrow(/BOTPRESS_API_BASE/);
    const spec = botpressFromEnv({ BOTPRESS_TOKEN: TOKEN, BOTPRESS_BOT_ID: 'b' });
    expect([spec.name, spec.secrets]).toEqual(['botpress', [TOKEN]]);
    for (const bad of ['x', 'has space', '1id', 'é'])
      expect(() => botpressFromEnv({ BOTPRESS_TOKEN: 't', BOTPRESS_BOT_ID: 'b', BOTPRESS_VISITOR_TAG: bad })).toThrow(
        /BOTPRESS_VISITOR_TAG/,
      );
  });

  it('BOTPRESS_CHANNEL, BOTPRESS_INTEGRATION_NAME and BOTPRESS_VISITOR_TAG reach Botpress', async () => {
    const mock = createBotpressMock({ token: TOKEN, botId: 'b', realtime: false, declaredTags: ['visitor'] });
    const { log } = quietLog();
    const upstream = botpressFromEnv({
      BOTPRESS_API_BASE: BASE,
      BOTPRESS_TOKEN: TOKEN,
      BOTPRESS_BOT_ID: 'b',
      BOTPRESS_CHANNEL: 'web',
      BOTPRESS_INTEGRATION_NAME: 'webchat',
      BOTPRESS_VISITOR_TAG: 'visitor',
      BOTPRESS_REPLY_QUIET_MS: '40',
    }).create({ fetch: (r) => mock.fetch(r), log });
    await chunksOf(await upstream.send({ sender: SENDER, data: { type: 'text', text: 'hi' }, signal: new AbortController().signal }));
    const [conversation] = [...mock.state.conversations.values()];
    expect([conversation!.channel, conversation!.integration, Object.keys(conversation!.tags)]).toEqual(['web', 'webchat', ['visitor']]);
  });
});
