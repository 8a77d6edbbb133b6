/**
 * The relay over real HTTP on 127.0.0.1 against the Botpress-compatible and chat-messages
 * mocks (each a real HTTP server too), configured only through the env names; and
 * the offline mode of `RELAY_UPSTREAM=… npm start`. Everything the relay emits is scanned
 * for the tokens.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createBotpressMock } from '../mock-platform/botpress/index.js';
import { createChatMessagesMock } from '../mock-platform/chat-messages/index.js';
import { serveWebHandler, startRelayServer, type RelayServer } from './node.js';
import { patFragments, sseEvents } from './fake-platform.test-helper.js';

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

async function serve(handler: (r: Request) => Promise<Response>): Promise<string> {
  const server = http.createServer((req, res) => serveWebHandler(handler, req, res, () => {}));
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  closers.push(
    () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function relay(env: Record<string, string>): Promise<
  RelayServer & {
    session(): Promise<string>;
    send(sender: string, data: unknown): Promise<{ status: number; events: { type: string; [k: string]: unknown }[]; text: string }>;
  }
> {
  const server = await startRelayServer({ port: 0, env: { RELAY_SECRET: 'upstreams-test-secret', ...env }, log });
  closers.push(() => server.close());
  const origin = server.url;
  const keep = async (res: Response) => {
    const text = await res.text();
    emitted.push(JSON.stringify([...res.headers]), text);
    return text;
  };
  return Object.assign(server, {
    async session() {
      const res = await fetch(`${origin}/api/chat/session`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: '{}',
      });
      return (JSON.parse(await keep(res)) as { sender: string }).sender;
    },
    async send(sender: string, data: unknown) {
      const res = await fetch(`${origin}/api/chat`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ sender, data }),
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
