import http from 'node:http';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Framing } from '../core/protocol/types.js';
import { faultFor } from '../../test/support/mock-upstream.js';
import { createRelay } from './handler.js';
import { createRelayMiddleware, main, startRelayServer, type RelayServer } from './node.js';
import { PAT, fakeUpstream, patFragments, sseEvents, type Behaviour } from './fake-platform.test-helper.js';

const servers: (RelayServer | http.Server)[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    if ('url' in s) await s.close();
    else {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  }
});

// Everything the Node-side relay emitted in this file (bodies, headers, log lines).
const seen: string[] = [];
const log = (level: string, message: string, fields?: Record<string, unknown>) =>
  seen.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);

async function collect(res: Response): Promise<string> {
  const text = await res.text();
  seen.push(JSON.stringify([...res.headers]), text);
  return text;
}

async function mockServer(framing: Framing = 'sse', env: Record<string, string> = {}) {
  const server = await startRelayServer({
    port: 0,
    env: { RELAY_SECRET: 'node-test-secret', RELAY_FIRST_BYTE_TIMEOUT_MS: '400', RELAY_IDLE_TIMEOUT_MS: '300', ...env },
    log,
    mock: { realtime: false, framing, seed: 42, fault: faultFor },
  });
  servers.push(server);
  const origin = server.url;
  const session = async () => {
    const res = await fetch(`${server.url}/api/chat/session`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { sender: string }).sender;
  };
  const send = (sender: string, data: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/chat`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ sender, data }),
    });
  return { server, session, send };
}

type Event = { type: string; error?: { code: string }; data?: { src?: string } };
const parse = (text: string) => sseEvents(text).map((e) => JSON.parse(e) as Event);

describe('Node server with the built-in mock platform (real HTTP on 127.0.0.1)', () => {
  it('logs that it uses the mock, and round-trips every scenario', async () => {
    const { session, send } = await mockServer();
    expect(seen.join('\n')).toContain('no INDIGO_PAT: using the built-in mock platform');
    const sender = await session();
    const inputs = [
      ...['init', 'image', 'video', 'carousel', 'contact', 'llm', 'llm_it', 'nope'].map((payload) => ({ type: 'payload', payload })),
      { type: 'text', text: 'Hello there' },
      { type: 'text', text: 'Ciao, come stai?' },
      { type: 'profile', profile: { name: 'Ada' } },
    ];
    for (const data of inputs) {
      const res = await send(sender, data);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const events = parse(await collect(res));
      expect(events[0]?.type).toBe('processing.start');
      expect(events.at(-1)?.type).toBe('processing.end');
      expect(events.some((e) => e.type === 'error')).toBe(false);
      if (data.type !== 'profile') expect(events.length).toBeGreaterThan(2);
    }
  });

  it('serves the mock media it points images at', async () => {
    const { server, session, send } = await mockServer();
    const events = parse(await collect(await send(await session(), { type: 'payload', payload: 'image' })));
    const src = events.find((e) => e.type === 'image')?.data?.src;
    expect(src?.startsWith(`${server.url}/mock-platform/media/`)).toBe(true);
    const img = await fetch(src!);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toMatch(/svg/);
  });

  it('turns every upstream framing into byte-identical canonical SSE', async () => {
    const outputs: string[] = [];
    for (const framing of ['sse', 'ndjson', 'concatenated', 'array'] as Framing[]) {
      const { server, session, send } = await mockServer(framing);
      const sender = await session();
      let all = '';
      for (const payload of ['init', 'carousel', 'llm']) all += await collect(await send(sender, { type: 'payload', payload }));
      // Media URLs carry each server's port; everything else must match byte for byte.
      outputs.push(
        all
          .replace(/^: ping\n\n/gm, '')
          .split(server.url)
          .join('ORIGIN'),
      );
    }
    expect(outputs[0]!.length).toBeGreaterThan(1000);
    for (const out of outputs.slice(1)) expect(out).toBe(outputs[0]);
  });

  const statusTable: [string, number, string][] = [
    ['fault:status:401', 502, 'upstream_auth'],
    ['fault:status:403', 502, 'upstream_auth'],
    ['fault:status:400', 502, 'upstream_rejected'],
    ['fault:status:429', 503, 'upstream_rate_limited'],
    ['fault:status:500', 502, 'upstream_unavailable'],
    ['fault:html', 502, 'upstream_invalid'],
    ['fault:stall:0', 504, 'upstream_timeout'],
  ];
  it('maps mock platform faults before the stream to fixed JSON errors', async () => {
    const { server, session, send } = await mockServer();
    const sender = await session();
    for (const [payload, status, code] of statusTable) {
      const res = await send(sender, { type: 'payload', payload });
      const body = await collect(res);
      expect([payload, res.status, JSON.parse(body)]).toEqual([payload, status, { error: { code, message: expect.any(String) } }]);
      expect(res.headers.get('access-control-allow-origin')).toBe(server.url);
      if (status === 503) expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    }
  });

  it('turns mid-stream faults into an error chunk and processing.end', async () => {
    const { session, send } = await mockServer();
    const sender = await session();
    for (const [payload, code] of [
      ['fault:stall:2', 'upstream_timeout'],
      ['fault:cut:2', 'upstream_failed'],
      ['fault:no-end', 'upstream_incomplete'],
    ] as const) {
      const res = await send(sender, { type: 'payload', payload });
      expect(res.status).toBe(200);
      const events = parse(await collect(res));
      expect(events[0]?.type).toBe('processing.start');
      expect(events.at(-2)).toEqual({ type: 'error', error: { code, message: expect.any(String) } });
      expect(events.at(-1)).toEqual({ type: 'processing.end' });
    }
  });

  it('refuses forged and foreign senders, wrong origins and oversize bodies over HTTP', async () => {
    const { server, session, send } = await mockServer('sse', { ALLOWED_ORIGINS: 'https://shop.example' });
    const sender = await session();
    const forged = `${sender.slice(0, 23)}${'A'.repeat(43)}`;
    expect((await send(forged, { type: 'text', text: 'hi' })).status).toBe(403);
    const foreign = await fetch(`${server.url}/api/chat`, {
      method: 'POST',
      headers: { origin: 'https://shop.example', 'content-type': 'application/json' },
      body: JSON.stringify({ sender, data: { type: 'text', text: 'hi' } }),
    });
    expect([foreign.status, ((await foreign.json()) as { error: { code: string } }).error.code]).toEqual([403, 'invalid_sender']);
    const evil = await fetch(`${server.url}/api/chat`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ sender, data: { type: 'text', text: 'hi' } }),
    });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const big = await send(sender, { type: 'text', text: 'x'.repeat(100_000) });
    expect(big.status).toBe(413);
    // The connection is still usable after a refused oversize body.
    expect((await send(sender, { type: 'payload', payload: 'init' })).status).toBe(200);
    const pre = await fetch(`${server.url}/api/chat`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://shop.example');
  });

  it('uses a real PAT when INDIGO_PAT is set (and never the mock)', async () => {
    const server = await startRelayServer({
      port: 0,
      env: { INDIGO_PAT: PAT, INDIGO_PROJECT_TOKEN: 'p', INDIGO_API_BASE: 'http://127.0.0.1:9', RELAY_SECRET: 's' },
      log,
    });
    servers.push(server);
    expect((await fetch(`${server.url}/mock-platform/media/assistant.svg`)).status).toBe(404);
    const s = (await (await fetch(`${server.url}/api/chat/session`, { method: 'POST', headers: { origin: server.url } })).json()) as {
      sender: string;
    };
    const res = await fetch(`${server.url}/api/chat`, {
      method: 'POST',
      headers: { origin: server.url, 'content-type': 'application/json' },
      body: JSON.stringify({ sender: s.sender, data: { type: 'text', text: 'hi' } }),
    });
    expect(res.status).toBe(502); // nothing listens on port 9
    await collect(res);
  });
});

describe('middleware over real sockets', () => {
  async function middlewareServer(behave: (call: number) => Behaviour) {
    const upstream = fakeUpstream(behave);
    const relay = createRelay({
      apiBase: 'https://platform.test',
      projectToken: 'p',
      pat: PAT,
      secret: 's',
      fetch: upstream.fetch,
      log,
      limits: { idleMs: 60_000 },
    });
    const mw = createRelayMiddleware(relay);
    let nexted = 0;
    const server = http.createServer((req, res) =>
      mw(req, res, () => {
        nexted++;
        res.writeHead(418).end('next');
      }),
    );
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const session = async () =>
      ((await (await fetch(`${url}/api/chat/session`, { method: 'POST', headers: { origin: url } })).json()) as { sender: string }).sender;
    return { url, upstream, session, nexted: () => nexted };
  }

  /** A raw request whose response we can pause or drop. */
  function rawPost(url: string, body: string): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${url}/api/chat`, { method: 'POST', headers: { origin: url, 'content-type': 'application/json' } });
      req.on('response', (res) => resolve({ req, res }));
      req.on('error', reject);
      req.end(body);
    });
  }

  it('passes other paths to next()', async () => {
    const t = await middlewareServer(() => ({ body: [] }));
    const res = await fetch(`${t.url}/elsewhere`);
    expect([res.status, await res.text(), t.nexted()]).toEqual([418, 'next', 1]);
  });

  it('aborts the upstream when the browser disconnects mid-stream', async () => {
    const t = await middlewareServer(() => ({ body: ['data: {"type":"processing.start"}\n\n', 'stall'] }));
    const sender = await t.session();
    const { req, res } = await rawPost(t.url, JSON.stringify({ sender, data: { type: 'text', text: 'hi' } }));
    await new Promise((r) => res.once('data', r));
    expect(t.upstream.calls[0]!.aborted()).toBe(false);
    req.destroy();
    await expect.poll(() => t.upstream.calls[0]!.aborted() && t.upstream.calls[0]!.cancelled(), { timeout: 3000 }).toBe(true);
  });

  it('does not buffer the upstream when the browser reads slowly', async () => {
    const t = await middlewareServer(() => ({ endless: 1000 }));
    const sender = await t.session();
    const { req, res } = await rawPost(t.url, JSON.stringify({ sender, data: { type: 'text', text: 'hi' } }));
    res.pause();
    // Wait until the pulled byte count stops growing: the socket buffers are full and the
    // relay stopped reading the upstream.
    let last = -1;
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const now = t.upstream.calls[0]!.pulledBytes();
      if (now === last) break;
      last = now;
    }
    const plateau = t.upstream.calls[0]!.pulledBytes();
    expect(plateau).toBe(last);
    expect(plateau).toBeLessThan(16 * 1024 * 1024);
    res.resume();
    await expect.poll(() => t.upstream.calls[0]!.pulledBytes() > plateau, { timeout: 3000 }).toBe(true);
    req.destroy();
  });
});

describe('static files and the CLI', () => {
  it('serves static files safely', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-static-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>demo</title>');
    writeFileSync(join(dir, 'sub', 'index.html'), 'sub');
    writeFileSync(join(dir, 'app.js'), 'export {}');
    writeFileSync(join(dir, 'a.css'), 'a{}');
    writeFileSync(join(dir, 'i.svg'), '<svg/>');
    writeFileSync(join(dir, 'd.json'), '{}');
    writeFileSync(join(dir, 'app.js.map'), '{}');
    writeFileSync(join(tmpdir(), 'relay-secret.txt'), 'secret');
    const server = await startRelayServer({ port: 0, staticDir: dir, env: { RELAY_SECRET: 's' }, log });
    servers.push(server);
    const get = async (path: string) => {
      // Raw request: fetch would normalise the dot segments away before they reach us.
      return new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
        http
          .get(`${server.url}${path}`, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
          })
          .on('error', reject);
      });
    };
    expect(await get('/')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', body: expect.stringContaining('demo') });
    expect(await get('/sub/')).toMatchObject({ status: 200, body: 'sub' });
    expect((await get('/app.js')).type).toBe('text/javascript; charset=utf-8');
    expect((await get('/a.css')).type).toBe('text/css; charset=utf-8');
    expect((await get('/i.svg')).type).toBe('image/svg+xml');
    expect((await get('/d.json')).type).toBe('application/json; charset=utf-8');
    expect((await get('/app.js.map')).type).toBe('application/json; charset=utf-8');
    for (const path of [
      '/../relay-secret.txt',
      '/%2e%2e/relay-secret.txt',
      '/..%2frelay-secret.txt',
      '/sub/..%5c..%5crelay-secret.txt',
      '/%00',
      '/nope.js',
    ]) {
      const res = await get(path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.body).not.toContain('secret\n');
      expect(res.body).not.toBe('secret');
    }
    // The relay still answers under its base path.
    const s = await fetch(`${server.url}/api/chat/session`, { method: 'POST', headers: { origin: server.url } });
    expect(s.status).toBe(200);
  });

  it('main() prints help, refuses unknown flags and starts a server', async () => {
    expect(await main(['--help'], {})).toBeNull();
    await expect(main(['--bogus'], {})).rejects.toThrow(/Unknown option --bogus/);
    await expect(main(['--port', 'x'], {})).rejects.toThrow(/--port/);
    const server = await main(['--port', '0', '--host', '127.0.0.1'], { RELAY_SECRET: 's', MOCK_REALTIME: '0' });
    expect(server).not.toBeNull();
    servers.push(server!);
    expect(server!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

afterAll(() => {
  const all = seen.join('\n');
  expect(all.length).toBeGreaterThan(1000);
  for (const secret of [...patFragments(PAT), 'mock-pat']) expect(all).not.toContain(secret);
});

describe('createDevMiddleware (Vite)', () => {
  it('serves the relay and, without INDIGO_PAT, the mock platform and its media', async () => {
    const { createDevMiddleware } = await import('./node.js');
    const mw = await createDevMiddleware({ env: { RELAY_SECRET: 's', MOCK_REALTIME: '0' }, log });
    const server = http.createServer((req, res) => mw(req, res, () => res.writeHead(418).end()));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const { sender } = (await (await fetch(`${url}/api/chat/session`, { method: 'POST', headers: { origin: url } })).json()) as {
      sender: string;
    };
    const res = await fetch(`${url}/api/chat`, {
      method: 'POST',
      headers: { origin: url, 'content-type': 'application/json' },
      body: JSON.stringify({ sender, data: { type: 'payload', payload: 'image' } }),
    });
    const events = parse(await collect(res));
    const src = events.find((e) => e.type === 'image')?.data?.src ?? '';
    expect(src.startsWith(`${url}/mock-platform/media/`)).toBe(true);
    expect((await fetch(src)).status).toBe(200);
    expect((await fetch(`${url}/src/main.ts`)).status).toBe(418);
  });
});
