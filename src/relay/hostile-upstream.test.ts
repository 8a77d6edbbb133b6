/**
 * The relay against a hostile or broken platform, over real HTTP on 127.0.0.1: each
 * "platform" here is a small node:http server answering what no real one should (a
 * redirect, a wrong Content-Encoding, a body cut inside a character, a JSON body that never
 * ends or inflates to gigabytes, malformed frames carrying the bot's text). Both upstream
 * clients (node:http, the default, and fetch, RELAY_UPSTREAM_CLIENT=fetch, the one edge
 * runtimes use) must give the visitor a clear error, keep the relay up, and leak neither
 * the token nor the platform's body into the visitor's answer or the logs.
 * docs/decisions/adversarial-input.md records the pass.
 */
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { listenOnLoopback, patFragments, sseEvents } from './fake-platform.test-helper.js';
import { startRelayServer } from './node.js';
import { decodeChunks as browserDecode } from '../core/protocol/decode.browser.js';
import { eventually } from '../../test/support/mock-upstream.js';

const SITE = 'https://shop.example';
const PAT = 'Hx7Kq2Wm9Rt4Zv8Lb3Nc6Pd5';
const CHAT_KEY = 'cmk_Vb8Nq3Wx7Kz2Lm5Rt9Hd4';
const SENDER_ID = '3e2d1c0b-4a59-4687-9a1b-2c3d4e5f6a7b';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

type Event = { type: string; error?: { code: string; message: string }; data?: { text?: string } };
type Client = 'node' | 'fetch';
const CLIENTS: readonly Client[] = ['node', 'fetch'];

const platform = (handler: http.RequestListener) => listenOnLoopback(http.createServer(handler), closers);

/** A relay over real HTTP; every log line and everything it answered is kept for the scans. */
async function relay(client: Client, env: Record<string, string>) {
  const logs: string[] = [];
  const server = await startRelayServer({
    port: 0,
    env: {
      RELAY_SECRET: 'hostile-upstream-test-secret-0123456789',
      ALLOWED_ORIGINS: SITE,
      RELAY_FIRST_BYTE_TIMEOUT_MS: '2000',
      RELAY_IDLE_TIMEOUT_MS: '2000',
      ...(client === 'fetch' ? { RELAY_UPSTREAM_CLIENT: 'fetch' } : {}),
      ...env,
    },
    log: (level, message, fields) => logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`),
  });
  closers.push(() => server.close());
  const answered: string[] = [];
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { origin: SITE, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    answered.push(JSON.stringify([...res.headers]), text);
    return { status: res.status, type: res.headers.get('content-type') ?? '', text };
  };
  const sender = (JSON.parse((await post('/api/chat/session', {})).text) as { sender: string }).sender;
  const send = async (text = 'hello') => {
    const res = await post('/api/chat', { sender, data: { type: 'text', text } });
    const events = res.type.startsWith('text/event-stream') ? sseEvents(res.text).map((e) => JSON.parse(e) as Event) : [];
    const error = res.type.includes('json') ? (JSON.parse(res.text) as { error: { code: string } }).error.code : undefined;
    return { ...res, events, error, shape: events.map((e) => e.error?.code ?? e.type) };
  };
  return { server, send, logs, answered };
}

const indigo = (base: string) => ({ INDIGO_API_BASE: base, INDIGO_PAT: PAT, INDIGO_PROJECT_TOKEN: 'proj-hostile' });

/** The relay's process is still whole: a normal platform answers through it afterwards. */
function normalAnswer(res: http.ServerResponse) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end('data: {"type":"processing.start"}\n\ndata: {"type":"text","data":{"text":"<p>ok</p>"}}\n\ndata: {"type":"processing.end"}\n\n');
}

describe('the indigo.ai upstream answers what it should not', () => {
  for (const client of CLIENTS) {
    it(`${client}: a redirect is not followed: the visitor's message never reaches another host`, async () => {
      const elsewhere: string[] = [];
      const other = await platform((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          elsewhere.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''} ${body}`);
          normalAnswer(res);
        });
      });
      for (const status of [301, 302, 303, 307, 308]) {
        const base = await platform((req, res) => {
          req.resume();
          res.writeHead(status, { location: `${other}/collect` });
          res.end();
        });
        const r = await relay(client, indigo(base));
        const out = await r.send('my card number is 4111 1111 1111 1111');
        expect([status, out.status, out.error]).toEqual([status, 502, 'upstream_unavailable']);
      }
      expect(elsewhere).toEqual([]);
    });

    it(`${client}: a body that is not what its Content-Encoding says is an error, and the relay carries on`, async () => {
      let calls = 0;
      const base = await platform((req, res) => {
        req.resume();
        if (calls++ > 0) return normalAnswer(res);
        res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
        res.end('data: {"type":"processing.start"}\n\ndata: {"type":"processing.end"}\n\n');
      });
      const r = await relay(client, indigo(base));
      const bad = await r.send();
      // Refused before the stream (the first read fails) or ended with an error chunk: never a silent answer.
      if (bad.status === 200) expect(bad.shape.slice(-2)).toEqual([expect.stringMatching(/^upstream_/), 'processing.end']);
      else expect([bad.status, bad.error]).toEqual([502, 'upstream_unavailable']);
      expect((await r.send()).shape).toEqual(['processing.start', 'text', 'processing.end']);
    });

    it(`${client}: a body cut inside a UTF-8 character ends with upstream_failed; the whole chunks before it stay`, async () => {
      const base = await platform((req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const euro = Buffer.from('€');
        res.write('data: {"type":"processing.start"}\n\ndata: {"type":"text","data":{"text":"<p>5 €</p>"}}\n\n');
        res.write(Buffer.concat([Buffer.from('data: {"type":"text","data":{"text":"<p>7 '), euro.subarray(0, 2)]));
        setTimeout(() => req.socket.destroy(), 30);
      });
      const r = await relay(client, indigo(base));
      const out = await r.send();
      expect(out.shape).toEqual(['processing.start', 'text', 'upstream_failed', 'processing.end']);
      expect(out.events[1]?.data?.text).toBe('<p>5 €</p>');
      expect(out.text).not.toContain('\uFFFD');
    });

    it(`${client}: an HTML page behind blank lines, served as an event stream, is refused`, async () => {
      const base = await platform((req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('\n'.repeat(200));
        setTimeout(() => res.end('<!doctype html><title>Proxy error</title><p>upstream said no</p>'), 20);
      });
      const r = await relay(client, indigo(base));
      const out = await r.send();
      if (out.status === 200) expect(out.shape.slice(-2)).toEqual([expect.stringMatching(/^upstream_/), 'processing.end']);
      else expect([out.status, out.error]).toEqual([502, 'upstream_invalid']);
      expect(out.text).not.toContain('Proxy error');
    });

    it(`${client}: prototype keys in chunks are forwarded as data and pollute nothing`, async () => {
      const base = await platform((req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        res.end(
          '{"type":"processing.start","__proto__":{"polluted":"yes"}}\n' +
            '{"type":"text","data":{"text":"<p>hi</p>","constructor":{"prototype":{"polluted":"yes"}}},"__proto__":{"type":"x"}}\n' +
            '{"type":"processing.end"}\n',
        );
      });
      const r = await relay(client, indigo(base));
      const out = await r.send();
      expect(out.shape).toEqual(['processing.start', 'text', 'processing.end']);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });
  }

  it('an answer whose only content is unreadable (a line over 1 MB, or cut JSON) ends with upstream_invalid, not in silence', async () => {
    const answers = [
      `data: {"type":"processing.start"}\n\ndata: {"type":"text","data":{"text":"<p>${'x'.repeat(1_100_000)}</p>"}}\n\ndata: {"type":"processing.end"}\n\n`,
      'data: {"type":"processing.start"}\n\ndata: {"type":"text","data":{"text":"<p>cut\n\ndata: {"type":"processing.end"}\n\n',
      // Readable content beside a malformed frame: the answer stands, no error added.
      'data: {"type":"processing.start"}\n\ndata: {"type":"text","data":{"text":"<p>ok</p>"}}\n\ndata: {"type":"text",\n\ndata: {"type":"processing.end"}\n\n',
    ];
    let call = 0;
    const base = await platform((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(answers[call++]);
    });
    const r = await relay('node', indigo(base));
    expect((await r.send()).shape).toEqual(['processing.start', 'upstream_invalid', 'processing.end']);
    expect((await r.send()).shape).toEqual(['processing.start', 'upstream_invalid', 'processing.end']);
    expect((await r.send()).shape).toEqual(['processing.start', 'text', 'processing.end']);
  });

  it('an NDJSON line just under the 1 MB cap: what the relay forwards, the browser decoder reads (no silent drop at `data: `)', async () => {
    // The relay caps an upstream line at 1,000,000 bytes; the browser caps the SSE line it
    // re-emits, six bytes longer ("data: "), at the same figure.
    const sizes = [999_990, 999_995, 1_000_000];
    let call = 0;
    const base = await platform((req, res) => {
      req.resume();
      const head = '{"type":"text","data":{"text":"';
      const tail = '"}}';
      const line = head + 'z'.repeat(sizes[call++]! - head.length - tail.length) + tail;
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end(`{"type":"processing.start"}\n${line}\n{"type":"processing.end"}\n`);
    });
    const r = await relay('node', indigo(base));
    for (const size of sizes) {
      const out = await r.send();
      const dropped: string[] = [];
      const seen: string[] = [];
      for await (const c of browserDecode(new Response(out.text).body!, { onError: (e) => dropped.push(e.code) }))
        seen.push((c as Event).error?.code ?? (c as Event).type);
      expect([size, dropped]).toEqual([size, []]);
      expect([size, seen.length === 3 && seen[0] === 'processing.start' && seen[2] === 'processing.end']).toEqual([size, true]);
    }
  });

  it('a malformed frame is skipped and logged by its code: the bot’s text in it never reaches a log line', async () => {
    const secretText = 'IBAN DE89370400440532013000';
    const base = await platform((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        'data: {"type":"processing.start"}\n\n' +
          `data: {"type":"text","data":{"text":"<p>Your ${secretText} is saved</p>"\n\n` +
          `${secretText} outside any frame\n\n` +
          'data: {"type":"processing.end"}\n\n',
      );
    });
    const r = await relay('node', indigo(base));
    const out = await r.send();
    expect(out.shape).toEqual(['processing.start', 'upstream_invalid', 'processing.end']);
    const warned = r.logs.filter((l) => l.includes('malformed upstream frame'));
    expect(warned.length).toBeGreaterThan(0);
    for (const line of r.logs) expect(line).not.toContain('DE8937');
    for (const line of [...r.logs, ...r.answered]) for (const f of patFragments(PAT)) expect(line).not.toContain(f);
  });
});

/** Bytes of a JSON body that ends only after `total` bytes, written as the reader takes them. */
function hugeJson(res: http.ServerResponse, head: string, total: number, written: { bytes: number; cut: boolean }) {
  const piece = Buffer.alloc(64 * 1024, 'x');
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write(`${head},"pad":"`);
  res.on('close', () => {
    if (!res.writableFinished) written.cut = true;
  });
  const pump = () => {
    while (written.bytes < total) {
      if (res.destroyed) return;
      written.bytes += piece.byteLength;
      if (!res.write(piece)) return void res.once('drain', pump);
    }
    res.end('"}');
  };
  pump();
}

/** A JSON body of `size` bytes once inflated, sent gzip-compressed (~1,000 times smaller). */
const bombs = new Map<string, Buffer>();
function gzipBomb(res: http.ServerResponse, head: string, size: number) {
  const key = `${head}/${size}`;
  const body = bombs.get(key) ?? gzipSync(Buffer.from(`${head},"pad":"${'x'.repeat(size)}"}`));
  bombs.set(key, body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(body.byteLength) });
  res.end(body);
}

const HUGE = 40 * 1024 * 1024;

/** A chat-messages platform: `post(content)` is the receipt of the visitor's message (201), `get` answers a poll. */
const chatPlatform = (post: (content: string) => object, get: (res: http.ServerResponse) => void) =>
  platform((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (req.method !== 'POST') return get(res);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify(post((JSON.parse(body) as { content: string }).content)));
    });
  });
const listing = (list: unknown) => (res: http.ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(list));
};
const chatEnv = (base: string) => ({
  RELAY_UPSTREAM: 'chat-messages',
  CHAT_MESSAGES_API_BASE: base,
  CHAT_MESSAGES_API_KEY: CHAT_KEY,
  CHAT_MESSAGES_SENDER_ID: SENDER_ID,
  CHAT_MESSAGES_REPLY_QUIET_MS: '200',
  CHAT_MESSAGES_REPLY_MAX_MS: '4000',
});

describe('a polled platform answers with a JSON body too large to hold', () => {
  const receipt = () => ({ id: '0a1b2c3d-0000-4000-8000-000000000001', createdAt: new Date().toISOString() });
  const chatMessages = (getPage: (res: http.ServerResponse, head: string) => void) =>
    chatPlatform(receipt, (res) => getPage(res, '{"data":[]'));

  for (const client of CLIENTS) {
    it(`${client}: chat-messages: an endless poll answer is cut off, and the answer ends with an error`, async () => {
      const polls: { bytes: number; cut: boolean }[] = [];
      const base = await chatMessages((res, head) => {
        const w = { bytes: 0, cut: false };
        polls.push(w);
        hugeJson(res, head, HUGE, w);
      });
      const r = await relay(client, chatEnv(base));
      const out = await r.send();
      expect(out.shape).toEqual(['processing.start', 'upstream_unavailable', 'processing.end']);
      expect(polls.length).toBeGreaterThan(0);
      // The relay stopped reading each answer long before its end (the socket's buffers aside).
      await eventually(() => polls.every((p) => p.cut), 5000, 'every poll answer cut off');
      for (const p of polls) expect(p.bytes).toBeLessThan(HUGE / 2);
    });

    it(`${client}: chat-messages: a gzip bomb in a poll answer is not inflated whole`, async () => {
      const base = await chatMessages((res, head) => gzipBomb(res, head, HUGE));
      const r = await relay(client, chatEnv(base));
      const out = await r.send();
      expect(out.shape).toEqual(['processing.start', 'upstream_unavailable', 'processing.end']);
    });

    it(`${client}: Botpress: a gzip bomb from get-or-create is refused before any message is sent`, async () => {
      const seen: string[] = [];
      const base = await platform((req, res) => {
        req.resume();
        req.on('end', () => {
          seen.push(`${req.method} ${req.url?.split('?')[0]}`);
          if (req.url?.startsWith('/v1/chat/users/get-or-create')) return gzipBomb(res, '{"user":{"id":"u1"}', HUGE);
          res.writeHead(200, { 'content-type': 'application/json' });
          if (req.url?.startsWith('/v1/chat/conversations/get-or-create')) return res.end('{"conversation":{"id":"c1"}}');
          if (req.method === 'POST') return res.end(`{"message":{"id":"m1","createdAt":"${new Date().toISOString()}"}}`);
          res.end('{"messages":[]}');
        });
      });
      const r = await relay(client, {
        RELAY_UPSTREAM: 'botpress',
        BOTPRESS_API_BASE: base,
        BOTPRESS_TOKEN: 'bp_pat_Wq4Lz8Xn2Kv7Hr5Tm3Jc9Fb',
        BOTPRESS_BOT_ID: 'bot-hostile',
        BOTPRESS_REPLY_QUIET_MS: '200',
        BOTPRESS_REPLY_MAX_MS: '1000',
      });
      const out = await r.send();
      expect([out.status, out.error]).toEqual([502, 'upstream_unavailable']);
      expect(seen).toEqual(['POST /v1/chat/users/get-or-create']);
    });
  }
});

describe('a polled platform writes numbers where the seed has strings', () => {
  it('values no string can be made of (`{"toString": 1}` as a time or a type) are ignored: the answers still arrive', async () => {
    const odd = { toString: 1 };
    const chat: object[] = [];
    const chatBase = await chatPlatform((content) => {
      const asked = { id: `0a1b2c3d-0000-4000-8000-00000000000${chat.length}`, role: 'user', content, createdAt: odd };
      chat.push(asked, {
        id: `0a1b2c3d-0000-4000-8000-10000000000${chat.length}`,
        role: 'assistant',
        content: 'Odd times',
        createdAt: odd,
      });
      return asked;
    }, listing(chat));
    const cm = await relay('node', chatEnv(chatBase));
    expect((await cm.send()).shape).toEqual(['processing.start', 'text', 'processing.end']);

    const messages: object[] = [];
    const bpBase = await platform((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        if (req.url?.startsWith('/v1/chat/users/get-or-create')) return res.end('{"user":{"id":"u1"}}');
        if (req.url?.startsWith('/v1/chat/conversations/get-or-create')) return res.end('{"conversation":{"id":"c1"}}');
        if (req.method === 'POST') {
          const asked = { id: `in${messages.length}`, direction: 'incoming', conversationId: 'c1', createdAt: odd };
          messages.unshift({
            id: `x${messages.length}`,
            direction: 'outgoing',
            conversationId: 'c1',
            type: odd,
            payload: {},
            createdAt: odd,
          });
          messages.unshift({
            id: `out${messages.length}`,
            direction: 'outgoing',
            conversationId: 'c1',
            type: 'text',
            payload: { text: 'Odd' },
            createdAt: odd,
          });
          messages.push(asked);
          return res.end(JSON.stringify({ message: asked }));
        }
        res.end(JSON.stringify({ messages, meta: {} }));
      });
    });
    const bp = await relay('node', {
      RELAY_UPSTREAM: 'botpress',
      BOTPRESS_API_BASE: bpBase,
      BOTPRESS_TOKEN: 'bp_pat_Wq4Lz8Xn2Kv7Hr5Tm3Jc9Fb',
      BOTPRESS_BOT_ID: 'bot-hostile',
      BOTPRESS_REPLY_QUIET_MS: '200',
      BOTPRESS_REPLY_MAX_MS: '3000',
    });
    expect((await bp.send()).shape).toEqual(['processing.start', 'text', 'processing.end']);
  });

  for (const client of CLIENTS) {
    it(`${client}: chat-messages with numeric ids: the bot's reply still arrives, once`, async () => {
      const stored: { id: number; role: string; content: string; createdAt: number }[] = [];
      let nextId = 100;
      const base = await chatPlatform(
        (content) => {
          const asked = { id: ++nextId, role: 'user', content, createdAt: Date.now() };
          stored.push(asked, { id: ++nextId, role: 'assistant', content: `Numbered answer to ${content}`, createdAt: Date.now() + 1 });
          return asked;
        },
        listing({ data: stored }),
      );
      const r = await relay(client, chatEnv(base));
      for (const question of ['first', 'second']) {
        const out = await r.send(question);
        expect(out.shape).toEqual(['processing.start', 'text', 'processing.end']);
        expect(out.events[1]?.data?.text).toBe(`<p>Numbered answer to ${question}</p>`);
      }
    });
  }
});
