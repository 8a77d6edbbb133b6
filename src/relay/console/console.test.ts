import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS, DEFAULT_ANALYTICS_PATHS, isoDay } from '../../core/platform/analytics.js';
import type { MockPlatformOptions } from '../../mock-platform/index.js';
import { createGraphqlRoute } from '../../mock-platform/graphql.js';
import { MockHistory } from '../../mock-platform/history.js';
import { startRelayServer, type RelayServer } from '../node.js';
import { createAnalyticsClient, type AnalyticsError } from './analytics-client.js';
import { createGraphqlClient, GraphqlError, MESSAGES_QUERY, type GraphqlClient } from './graphql-client.js';
import { createConsoleHandler } from './handler.js';
import { plainText, toCsv, type ExportRow } from './export.js';
import { MemoryFeedbackStore } from '../feedback/store.js';
import { RelayFigures } from '../figures.js';
import { createFeedbackService } from '../feedback/route.js';

const TOKEN = 'console-unit-token-123456';
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function server(env: Record<string, string> = {}, mock: MockPlatformOptions = {}): Promise<RelayServer> {
  const s = await startRelayServer({
    port: 0,
    env: { RELAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'console-')), RELAY_CONSOLE_TOKEN: TOKEN, ...env },
    log: () => {},
    mock: { realtime: false, ...mock },
  });
  closers.push(() => s.close());
  return s;
}

const form = (s: RelayServer, path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${s.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: s.url, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });

async function signIn(s: RelayServer): Promise<string> {
  const res = await form(s, '/console/login', `token=${TOKEN}`);
  expect(res.status).toBe(303);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** The console's handler alone (no server), on a made-up https origin. */
function bareHandler(
  graphql: GraphqlClient = createGraphqlClient({ endpoint: 'https://x.invalid/graphql', pat: 'pat-x' }),
  now: () => number = Date.now,
) {
  const store = new MemoryFeedbackStore();
  const feedback = createFeedbackService(
    { store },
    {
      verifySender: async () => true,
      readJson: async () => ({ ok: true, value: {} }),
      error: () => new Response(),
      ok: () => new Response(),
      limits: { perIpPerMinute: 1, perSenderPerMinute: 1 },
      limit: async () => ({ ok: true, retryAfter: 0 }),
      now,
      secret: 's',
      log: () => {},
    },
  );
  return createConsoleHandler({
    token: TOKEN,
    projectId: '39',
    graphql,
    analytics: createAnalyticsClient({ base: 'https://x.invalid', projectId: '39', pat: 'pat-x', paths: DEFAULT_ANALYTICS_PATHS }),
    feedback,
    figures: new RelayFigures(),
    readAsset: async () => null,
    now,
  });
}

describe('console auth', () => {
  it('is a 404 everywhere without RELAY_CONSOLE_TOKEN', async () => {
    const s = await server({ RELAY_CONSOLE_TOKEN: '' });
    for (const path of ['/console/', '/console/api/conversations', '/console/assets/console.js'])
      expect((await fetch(`${s.url}${path}`)).status).toBe(404);
    expect((await form(s, '/console/login', `token=${TOKEN}`)).status).toBe(404);
  });

  it('refuses a wrong token with 401 and signs in with the right one: HttpOnly, SameSite=Strict session cookie', async () => {
    const s = await server();
    const page = await fetch(`${s.url}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/);
    expect(await page.text()).toContain('name="token"');
    const wrong = await form(s, '/console/login', 'token=console-unit-token-123457');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const ok = await form(s, '/console/login', `token=${TOKEN}`);
    expect(ok.status).toBe(303);
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(
      /^indigo-console=\d+\.[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{43}; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=28800$/,
    );
    const app = await fetch(`${s.url}/console/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(await app.text()).toContain('<indigo-console');
  });

  it('uses a __Host- Secure cookie over https', async () => {
    const h = bareHandler();
    const res = await h(
      new Request('https://relay.example/console/login', {
        method: 'POST',
        headers: { origin: 'https://relay.example', 'content-type': 'application/x-www-form-urlencoded' },
        body: `token=${TOKEN}`,
      }),
    );
    expect(res!.headers.get('set-cookie')).toMatch(/^__Host-indigo-console=.*; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800; Secure$/);
    expect(await h(new Request('https://relay.example/elsewhere'))).toBeNull();
  });

  it('behind a TLS-terminating proxy (RELAY_SELF_ORIGIN https, the request plain http) the cookie is still __Host- and Secure', async () => {
    const s = await server({ RELAY_SELF_ORIGIN: 'https://console.shop.example' });
    const res = await form(s, '/console/login', `token=${TOKEN}`, { origin: 'https://console.shop.example' });
    expect(res.status).toBe(303);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^__Host-indigo-console=.*; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800; Secure$/);
    const app = await fetch(`${s.url}/console/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(app.status).toBe(200);
  });

  it('behind a TLS-terminating proxy with RELAY_TRUST_PROXY alone (no RELAY_SELF_ORIGIN): signs in from the https page, Secure cookie', async () => {
    const behind = { 'x-forwarded-proto': 'https' };
    const httpsPage = (s: RelayServer) => s.url.replace(/^http:/, 'https:');
    const trusted = await server({ RELAY_TRUST_PROXY: '1' });
    const res = await form(trusted, '/console/login', `token=${TOKEN}`, { ...behind, origin: httpsPage(trusted) });
    expect(res.status).toBe(303);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^__Host-indigo-console=.*; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800; Secure$/);
    expect((await fetch(`${trusted.url}/console/`, { headers: { ...behind, cookie: cookie.split(';')[0]! } })).status).toBe(200);
    // Another site is still another site behind the proxy.
    expect((await form(trusted, '/console/login', `token=${TOKEN}`, { ...behind, origin: 'https://evil.example' })).status).toBe(403);
    // Without the owner saying proxies sit in front, the header is not believed.
    const untrusted = await server();
    expect((await form(untrusted, '/console/login', `token=${TOKEN}`, { ...behind, origin: httpsPage(untrusted) })).status).toBe(403);
  });

  it('is CSRF-safe: cross-site sign-in and sign-out are refused, sign-out needs the session CSRF token', async () => {
    const s = await server();
    expect((await form(s, '/console/login', `token=${TOKEN}`, { origin: 'https://evil.example' })).status).toBe(403);
    const noOrigin = await fetch(`${s.url}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      body: `token=${TOKEN}`,
    });
    expect(noOrigin.status).toBe(403);
    const cookie = await signIn(s);
    expect((await form(s, '/console/logout', 'csrf=nope', { cookie })).status).toBe(403);
    const app = await (await fetch(`${s.url}/console/`, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(app)![1]!;
    expect((await form(s, '/console/logout', `csrf=${csrf}`, { cookie, origin: 'https://evil.example' })).status).toBe(403);
    const out = await form(s, '/console/logout', `csrf=${encodeURIComponent(csrf)}`, { cookie });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^indigo-console=; .*Max-Age=0/);
  });

  it('reads at most 2 KB of a sign-in form: a larger one is refused (413) without its body being read whole', async () => {
    const s = await server();
    const big = await form(s, '/console/login', `token=${TOKEN}&pad=${'x'.repeat(3000)}`);
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('too_large');
    expect((await form(s, '/console/login', `token=${TOKEN}&pad=${'x'.repeat(1900)}`)).status).toBe(303);
    // A streamed body (no Content-Length) of 64 MB: the handler pulls a few KB, not all of it.
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (pulled >= 64 << 20) return c.close();
        pulled += 16384;
        c.enqueue(new Uint8Array(16384).fill(120));
      },
    });
    const h = bareHandler();
    const res = await h(
      new Request('https://relay.example/console/login', {
        method: 'POST',
        headers: { origin: 'https://relay.example', 'content-type': 'application/x-www-form-urlencoded' },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    expect(res!.status).toBe(413);
    expect(pulled).toBeLessThan(256 << 10);
  });

  it('slows sign-in guessing per visitor address: 10 a minute, behind RELAY_TRUST_PROXY the address its proxy wrote, counted before the form is read', async () => {
    const wrong = (s: RelayServer, ip: string, body = 'token=nope-nope-nope') => form(s, '/console/login', body, { 'x-forwarded-for': ip });
    const trusted = await server({ RELAY_TRUST_PROXY: '1' });
    for (let i = 0; i < 10; i++) expect((await wrong(trusted, '203.0.113.9')).status).toBe(401);
    const locked = await wrong(trusted, '203.0.113.9');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Refused before its body is read: an oversized form from that address is a 429 too.
    expect((await wrong(trusted, '203.0.113.9', `pad=${'x'.repeat(5000)}`)).status).toBe(429);
    // Another visitor behind the same proxy (the same socket address) still signs in.
    expect((await wrong(trusted, '198.51.100.7', `token=${TOKEN}`)).status).toBe(303);
    // Without RELAY_TRUST_PROXY the header is not believed: every request counts for the socket's address.
    const direct = await server();
    for (let i = 0; i < 10; i++) expect((await wrong(direct, `192.0.2.${i}`)).status).toBe(401);
    expect((await wrong(direct, '192.0.2.200', `token=${TOKEN}`)).status).toBe(429);
  });

  it('guards the API: no cookie, a forged or altered cookie -> 401; never returns the PAT', async () => {
    const s = await server();
    expect((await fetch(`${s.url}/console/api/conversations`)).status).toBe(401);
    const cookie = await signIn(s);
    const [name, value] = cookie.split('=') as [string, string];
    const [exp, nonce, mac] = value.split('.');
    expect(
      (await fetch(`${s.url}/console/api/conversations`, { headers: { cookie: `${name}=${Number(exp) + 1000}.${nonce}.${mac}` } })).status,
    ).toBe(401);
    expect(
      (await fetch(`${s.url}/console/api/conversations`, { headers: { cookie: `${name}=${exp}.${nonce}.${'A'.repeat(43)}` } })).status,
    ).toBe(401);
    const res = await fetch(`${s.url}/console/api/conversations`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ totalCount: expect.any(Number), pageInfo: { hasNextPage: true } });
    expect(text).not.toContain('mock-pat');
  });

  it('answers the console’s fetches and downloads, not media: an <img> in a transcript cannot run an export', async () => {
    const s = await server();
    const cookie = await signIn(s);
    const get = (dest: string) =>
      fetch(`${s.url}/console/api/conversations/export?format=csv`, { headers: { cookie, 'sec-fetch-dest': dest } });
    expect((await get('empty')).status).toBe(200);
    expect((await get('document')).status).toBe(200);
    for (const dest of ['image', 'video', 'iframe', 'script']) {
      const res = await get(dest);
      expect([dest, res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([dest, 403, 'not_a_fetch']);
    }
  });
});

describe('console API bounds', () => {
  /** A platform whose every conversation has endless pages of 100 messages. */
  function endlessPlatform() {
    const calls: Record<string, unknown>[] = [];
    let n = 0;
    const graphql = {
      request: async (_doc: unknown, vars: Record<string, unknown>) => {
        calls.push(vars);
        if ('projectId' in vars)
          return {
            conversations: {
              edges: Array.from({ length: 20 }, (_, i) => ({ node: { conversationId: String(i + 1) } })),
              pageInfo: { hasNextPage: true, endCursor: 'c2' },
            },
          };
        return {
          messages: {
            edges: Array.from({ length: 100 }, () => ({
              node: {
                id: String(++n),
                content: { text: 'x' },
                sender: null,
                insertedAt: '2026-11-01T00:00:00Z',
                conversationId: vars['conversationId'],
                feedback: null,
              },
            })),
            pageInfo: { hasNextPage: true, endCursor: `m${n}` },
          },
        };
      },
    } as unknown as GraphqlClient;
    return { graphql, calls };
  }

  async function signedIn(h: ReturnType<typeof bareHandler>) {
    const res = await h(
      new Request('https://relay.example/console/login', {
        method: 'POST',
        headers: { origin: 'https://relay.example', 'content-type': 'application/x-www-form-urlencoded' },
        body: `token=${TOKEN}`,
      }),
    );
    const cookie = (res!.headers.get('set-cookie') ?? '').split(';')[0]!;
    return (path: string) => h(new Request(`https://relay.example/console/api${path}`, { headers: { cookie } }));
  }

  it('an export of a page of conversations holds at most 5,000 messages in all, and asks the platform no more than that needs', async () => {
    const p = endlessPlatform();
    const get = await signedIn(bareHandler(p.graphql));
    const res = (await get('/conversations/export?format=jsonl'))!;
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\n');
    expect(lines).toHaveLength(5000);
    expect(p.calls.length).toBeLessThanOrEqual(1 + 50);
    // Cut short, and it says so: in the file's name and a header (a spreadsheet has no place for a marker).
    expect([res.headers.get('x-export-truncated'), res.headers.get('content-disposition')]).toEqual([
      '5000',
      'attachment; filename="conversations-newest-5000-messages.jsonl"',
    ]);
  });

  it('a platform that gives the same page cursor again is not paged until the cap: each message once', async () => {
    const calls: unknown[] = [];
    const graphql = {
      request: async (_doc: unknown, vars: Record<string, unknown>) => {
        calls.push(vars);
        return {
          messages: {
            edges: Array.from({ length: 100 }, (_, i) => ({
              node: {
                id: String(i + 1),
                content: { text: 'x' },
                sender: null,
                insertedAt: '2026-11-01T00:00:00Z',
                conversationId: '7',
                feedback: null,
              },
            })),
            pageInfo: { hasNextPage: true, endCursor: 'c2FtZQ' },
          },
        };
      },
    } as unknown as GraphqlClient;
    const get = await signedIn(bareHandler(graphql));
    const res = (await get('/conversations/7/export?format=jsonl'))!;
    expect(res.status).toBe(200);
    const ids = (await res.text())
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids).toHaveLength(100);
    expect(new Set(ids).size).toBe(100);
    expect(calls.length).toBeLessThanOrEqual(2);
  });

  it('a whole export says nothing of a cut', async () => {
    const graphql = createGraphqlClient({
      endpoint: 'https://platform.test/graphql',
      pat: 'pat-x',
      fetch: createGraphqlRoute({ history: new MockHistory(), pat: 'x' }),
    });
    const get = await signedIn(bareHandler(graphql));
    const list = (await (await get('/conversations'))!.json()) as { edges: { node: { conversationId: string } }[] };
    const res = (await get(`/conversations/${list.edges[0]!.node.conversationId}/export?format=csv`))!;
    expect(res.status).toBe(200);
    expect(res.headers.get('x-export-truncated')).toBe(null);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="conversation-\d+\.csv"$/);
  });

  it('lists conversations on a platform whose Conversation has no insertedAt (the seed shows conversationId only): undated, after one refusal', async () => {
    const route = createGraphqlRoute({ history: new MockHistory(), pat: 'x', conversationDates: false });
    const queries: string[] = [];
    const graphql = createGraphqlClient({
      endpoint: 'https://platform.test/graphql',
      pat: 'pat-x',
      fetch: async (r) => {
        queries.push(((await r.clone().json()) as { query: string }).query);
        return route(r);
      },
    });
    const get = await signedIn(bareHandler(graphql));
    for (let i = 0; i < 2; i++) {
      const res = (await get('/conversations'))!;
      expect(res.status).toBe(200);
      const list = (await res.json()) as { edges: { node: Record<string, unknown> }[] };
      expect(list.edges.length).toBeGreaterThan(0);
      expect(Object.keys(list.edges[0]!.node)).toEqual(['conversationId']);
    }
    // The dated query once, then the seed's for the rest of the process.
    expect(queries.map((q) => q.includes('insertedAt'))).toEqual([true, false, false]);
    const exported = (await get('/conversations/export?format=jsonl'))!;
    expect(exported.status).toBe(200);
  });

  it('a malformed cursor is a 400, not the first page', async () => {
    const p = endlessPlatform();
    const get = await signedIn(bareHandler(p.graphql));
    for (const path of [
      `/conversations?after=${'a'.repeat(201)}`,
      '/conversations/export?after=%3Cx%3E',
      '/conversations/7/messages?before=a%20b',
    ]) {
      const res = (await get(path))!;
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_cursor');
    }
    expect(p.calls).toEqual([]);
    expect((await get('/conversations?after=Y3Vyc29y'))!.status).toBe(200);
    expect(p.calls[0]).toMatchObject({ cursor: 'Y3Vyc29y' });
  });
});

describe('console configuration', () => {
  it('refuses a short token, and a real platform without INDIGO_PROJECT_ID, naming the variable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-'));
    await expect(startRelayServer({ port: 0, env: { RELAY_DATA_DIR: dir, RELAY_CONSOLE_TOKEN: 'short' }, log: () => {} })).rejects.toThrow(
      /RELAY_CONSOLE_TOKEN must be at least 16/,
    );
    await expect(
      // A real platform needs RELAY_SECRET too (checked first); with it, the console's own check speaks.
      startRelayServer({
        port: 0,
        env: {
          RELAY_DATA_DIR: dir,
          RELAY_CONSOLE_TOKEN: TOKEN,
          INDIGO_PAT: 'x',
          INDIGO_PROJECT_TOKEN: 'p',
          RELAY_SECRET: 'console-test-secret',
        },
        log: () => {},
      }),
    ).rejects.toThrow(/INDIGO_PROJECT_ID/);
    await expect(
      startRelayServer({
        port: 0,
        env: { RELAY_DATA_DIR: dir, RELAY_CONSOLE_TOKEN: TOKEN, INDIGO_ANALYTICS_PATHS: 'nope=/x' },
        log: () => {},
      }),
    ).rejects.toThrow(/INDIGO_ANALYTICS_PATHS: unknown endpoint/);
  });
});

describe('GraphQL client', () => {
  async function fakePlatform(handler: http.RequestListener): Promise<string> {
    const s = http.createServer(handler);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    closers.push(
      () =>
        new Promise((r) => {
          s.closeAllConnections();
          s.close(r);
        }),
    );
    return `http://127.0.0.1:${(s.address() as { port: number }).port}/graphql`;
  }
  const vars = { conversationId: '1', before: null, last: 5 };

  it.each([
    [
      'errors[]',
      (_: http.IncomingMessage, res: http.ServerResponse) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":null,"errors":[{"message":"Invalid cursor"}]}'),
      'graphql',
      /Invalid cursor/,
    ],
    [
      '401',
      (_: http.IncomingMessage, res: http.ServerResponse) =>
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[{"message":"unauthenticated"}]}'),
      'auth',
      /refused/,
    ],
    ['500', (_: http.IncomingMessage, res: http.ServerResponse) => res.writeHead(500).end('boom'), 'http', /HTTP 500/],
    [
      'HTML',
      (_: http.IncomingMessage, res: http.ServerResponse) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>portal</html>'),
      'invalid',
      /not GraphQL/,
    ],
    [
      'no data',
      (_: http.IncomingMessage, res: http.ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
      'invalid',
      /no data/,
    ],
  ] as const)('turns %s into a GraphqlError', async (_name, handler, kind, message) => {
    const client = createGraphqlClient({ endpoint: await fakePlatform(handler), pat: 'pat-x' });
    const error = await client.request(MESSAGES_QUERY, vars).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphqlError);
    expect((error as GraphqlError).kind).toBe(kind);
    expect((error as GraphqlError).message).toMatch(message);
  });

  it('times out and reports unreachable platforms', async () => {
    const hang = createGraphqlClient({ endpoint: await fakePlatform(() => {}), pat: 'pat-x', timeoutMs: 150 });
    expect(await hang.request(MESSAGES_QUERY, vars).catch((e: GraphqlError) => e.kind)).toBe('timeout');
    const down = createGraphqlClient({ endpoint: 'http://127.0.0.1:1/graphql', pat: 'pat-x' });
    expect(await down.request(MESSAGES_QUERY, vars).catch((e: GraphqlError) => e.kind)).toBe('network');
  });

  it('sends variables, never string-built queries, and the PAT only in the header', async () => {
    let seen: { auth?: string; body?: string } = {};
    const endpoint = await fakePlatform((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen = { auth: req.headers.authorization, body };
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"data":{"messages":{"edges":[],"pageInfo":{"endCursor":null,"hasNextPage":false},"totalCount":0}}}');
      });
    });
    const r = await createGraphqlClient({ endpoint, pat: 'pat-secret' }).request(MESSAGES_QUERY, {
      conversationId: '") { evil }',
      before: null,
      last: 5,
    });
    expect(r.messages.totalCount).toBe(0);
    expect(seen.auth).toBe('Bearer pat-secret');
    const sent = JSON.parse(seen.body!) as { query: string; variables: Record<string, unknown> };
    expect(sent.query).toBe(MESSAGES_QUERY);
    expect(sent.variables['conversationId']).toBe('") { evil }');
  });
});

describe('Analytics client', () => {
  const NOW = Date.parse('2026-06-15T12:00:00Z');
  const today = isoDay(NOW);

  async function platform(mock: MockPlatformOptions = {}) {
    let t = NOW;
    const s = await server({}, { history: { now: () => t, pastConversations: 30 }, ...mock });
    const urls: string[] = [];
    const sleeps: number[] = [];
    const make = (extra: Partial<Parameters<typeof createAnalyticsClient>[0]> = {}) =>
      createAnalyticsClient({
        base: `${s.url}/mock-platform`,
        projectId: '39',
        pat: 'pat-mock-pat',
        paths: DEFAULT_ANALYTICS_PATHS,
        now: () => t,
        sleep: async (ms) => {
          sleeps.push(ms);
          t += ms;
        },
        fetch: (r) => {
          urls.push(r.url);
          return fetch(r);
        },
        ...extra,
      });
    return { s, urls, sleeps, make, advance: (ms: number) => (t += ms) };
  }

  it('pages through next_cursor (after for users) with limit 365, zero-filled, oldest first', async () => {
    const { make, urls } = await platform();
    const client = make();
    const from = isoDay(NOW - 399 * DAY_MS);
    const to = isoDay(NOW + DAY_MS);
    for (const endpoint of ['messages', 'users'] as const) {
      const rows = await client.daily(endpoint, from, to);
      expect(rows).toHaveLength(400);
      expect(rows[0]!.date).toBe(from);
      expect(rows.at(-1)!.date).toBe(today);
      expect(new Set(rows.map((r) => r.date)).size).toBe(400);
    }
    expect(urls).toHaveLength(4);
    expect(urls.every((u) => new URL(u).searchParams.get('limit') === '365')).toBe(true);
    expect(new URL(urls[1]!).searchParams.get('cursor')).toBeTruthy();
    expect(new URL(urls[3]!).searchParams.get('after')).toBeTruthy();
    expect(new URL(urls[3]!).searchParams.get('cursor')).toBeNull();
  });

  it('caches past days and refetches only yesterday and today (a day the relay’s UTC clock closed may still be partial there)', async () => {
    const { make, urls } = await platform();
    const client = make();
    const from = isoDay(NOW - 9 * DAY_MS);
    const to = isoDay(NOW + DAY_MS);
    const yesterday = isoDay(NOW - DAY_MS);
    const first = await client.daily('chats', from, to);
    expect(urls).toHaveLength(1);
    const again = await client.daily('chats', from, to);
    expect(again).toEqual(first);
    expect(urls).toHaveLength(2);
    const u = new URL(urls[1]!);
    expect([u.searchParams.get('from'), u.searchParams.get('to')]).toEqual([yesterday, to]);
    // A range that ends before yesterday: no request at all.
    await client.daily('chats', from, yesterday);
    expect(urls).toHaveLength(2);
    expect(client.cachedDays).toBe(8);
    // A range that takes yesterday in: asked for again.
    await client.daily('chats', from, today);
    expect(urls).toHaveLength(3);
  });

  /** A client whose platform answers every request with `page()`'s rows and next cursor. */
  const scripted = (page: () => { data: unknown[]; next?: string | null }) =>
    createAnalyticsClient({
      base: 'https://platform.test',
      projectId: '39',
      pat: 'pat-x',
      paths: DEFAULT_ANALYTICS_PATHS,
      now: () => NOW,
      fetch: async () => {
        const { data, next = null } = page();
        return Response.json({ data, metadata: { next_cursor: next, total_count: data.length } });
      },
    });

  it('rows named otherwise than the endpoint’s fields, or without a date, are an error for that endpoint, not zeros', async () => {
    const client = (data: unknown[]) => scripted(() => ({ data }));
    const range = [isoDay(NOW - 2 * DAY_MS), isoDay(NOW)] as const;
    const err = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: AnalyticsError) => [e.status, e.message],
      );
    expect(await err(client([{ date: range[0], sessions: 4 }]).daily('chats', ...range))).toEqual([
      502,
      "The analytics API's rows lack the expected fields (chats).",
    ]);
    expect(await err(client([{ day: range[0], chats: 4 }]).daily('chats', ...range))).toEqual([
      502,
      'The analytics API sent rows without a date.',
    ]);
    // The seed's own shapes pass: a CSAT day without responses (avg_score null), an empty range.
    expect(await client([{ date: range[0], total: 0, avg_score: null }]).daily('csat', ...range)).toHaveLength(2);
    expect(await client([]).daily('csat', ...range)).toHaveLength(2);
  });

  it('rows dated with a timestamp count on their day; a cursor given twice stops paging with an error', async () => {
    const range = [isoDay(NOW - 2 * DAY_MS), isoDay(NOW)] as const;
    let requests = 0;
    const client = (page: () => { data: unknown[]; next: string | null }) => scripted(() => (requests++, page()));
    const stamped = await client(() => ({
      data: [
        { date: `${range[0]}T00:00:00Z`, chats: 4 },
        { date: `${isoDay(NOW - DAY_MS)}T00:00:00+10:00`, chats: 3 },
      ],
      next: null,
    })).daily('chats', ...range);
    expect(stamped.map((r) => r['chats'])).toEqual([4, 3]);
    expect(stamped.map((r) => r.date)).toEqual([range[0], isoDay(NOW - DAY_MS)]);
    requests = 0;
    const looping = client(() => ({ data: [{ date: range[0], chats: 1 }], next: 'c2FtZQ' }));
    await expect(looping.daily('chats', ...range)).rejects.toMatchObject({ status: 502, message: expect.stringContaining('repeated') });
    expect(requests).toBe(2);
  });

  it('keeps the cache bounded (least recently fetched days go first) and still answers whole ranges', async () => {
    const { make, urls } = await platform();
    const client = make();
    const range = (k: number) => [isoDay(NOW - (k + 1) * 365 * DAY_MS), isoDay(NOW - k * 365 * DAY_MS)] as const;
    const oldest = await client.daily('errors', ...range(2));
    await client.daily('errors', ...range(1));
    await client.daily('errors', ...range(0));
    expect(urls).toHaveLength(3);
    expect(client.cachedDays).toBe(731);
    expect(await client.daily('errors', ...range(2))).toEqual(oldest); // evicted, so fetched again
    expect(urls).toHaveLength(4);
    expect(client.cachedDays).toBe(731);
  });

  it('honours a short 429 retry_after, then succeeds', async () => {
    const { make, sleeps } = await platform({ analyticsRateLimit: { max: 1, windowMs: 8_000 } });
    const client = make();
    await client.daily('errors', isoDay(NOW - DAY_MS), isoDay(NOW));
    const rows = await client.daily('csat', isoDay(NOW - DAY_MS), isoDay(NOW));
    expect(rows).toHaveLength(1);
    expect(sleeps).toEqual([8_000]);
  });

  it('a long 429 retry_after (the seed says 60 s) is the endpoint’s error at once, with its retryAfter, not a page that hangs', async () => {
    const { make, sleeps } = await platform({ analyticsRateLimit: { max: 1, windowMs: 60_000 } });
    const client = make();
    await client.daily('errors', isoDay(NOW - DAY_MS), isoDay(NOW));
    const error = await client.daily('csat', isoDay(NOW - DAY_MS), isoDay(NOW)).then(
      () => null,
      (e: AnalyticsError) => [e.status, e.retryAfter],
    );
    expect(error).toEqual([429, 60]);
    expect(sleeps).toEqual([]);
  });

  it('queues requests to stay within 100 per 60 s (here 3 per 60 s)', async () => {
    const { make, sleeps, urls } = await platform();
    const client = make({ maxRequests: 3, windowMs: 60_000 });
    const days = ['errors', 'chats', 'csat', 'ai_quality', 'messages'] as const;
    await Promise.all(days.map((e) => client.daily(e, isoDay(NOW - 3 * DAY_MS), isoDay(NOW - DAY_MS))));
    expect(urls).toHaveLength(5);
    expect(sleeps).toEqual([60_000]);
  });

  it('surfaces the seed error shapes', async () => {
    const { make, s } = await platform({ analyticsFault: (e) => e === 'errors' });
    const err = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: AnalyticsError) => [e.status, e.message],
      );
    expect(await err(make({ pat: 'pat-wrong' }).daily('chats', today, isoDay(NOW + DAY_MS)))).toEqual([401, 'unauthenticated']);
    expect(await err(make({ projectId: '40' }).daily('chats', today, isoDay(NOW + DAY_MS)))).toEqual([403, 'unauthorized']);
    expect(await err(make({ retries: 1 }).daily('errors', today, isoDay(NOW + DAY_MS)))).toEqual([500, 'Internal server error']);
    const raw = await fetch(`${s.url}/mock-platform/api/analytics/39/chats/daily`, { headers: { authorization: 'Bearer pat-mock-pat' } });
    expect([raw.status, await raw.json()]).toEqual([400, { status: 'ERROR', message: 'Missing required params: from, to' }]);
    const bad = await fetch(`${s.url}/mock-platform/api/analytics/39/chats/daily?from=${today}&to=${today}&cursor=zzz`, {
      headers: { authorization: 'Bearer pat-mock-pat' },
    });
    expect([bad.status, await bad.json()]).toEqual([400, { status: 'ERROR', message: 'Invalid cursor' }]);
  });

  it('the console route returns each endpoint or its error', async () => {
    const { s } = await platform({ analyticsFault: (e) => e === 'csat' });
    const cookie = await signIn(s);
    const to = isoDay(Date.now() + DAY_MS);
    const from = isoDay(Date.now() - 6 * DAY_MS);
    const res = await fetch(`${s.url}/console/api/analytics?from=${from}&to=${to}`, { headers: { cookie } });
    const body = (await res.json()) as { series: Record<string, unknown[]>; errors: Record<string, { status: number; message: string }> };
    expect(Object.keys(body.series).sort()).toEqual(['ai_quality', 'chats', 'errors', 'messages', 'users']);
    expect(body.series['chats']).toHaveLength(7);
    expect(body.errors['csat']).toEqual({ status: 500, message: 'Internal server error' });
    expect((await fetch(`${s.url}/console/api/analytics?from=${to}&to=${from}`, { headers: { cookie } })).status).toBe(400);
  });
});

describe('CSV export', () => {
  /** The text cell of a one-row CSV (the fifth column) as written, without its quotes. */
  const textCell = (text: string) => {
    const row: ExportRow = {
      conversationId: '7',
      id: 'm1',
      insertedAt: '2026-01-02T10:00:00',
      role: 'visitor',
      text,
      feedback: null,
      content: null,
    };
    const csv = toCsv([row]);
    return csv.slice(csv.indexOf('\r\n') + 2, -2).split('","')[4];
  };

  it("prefixes with ' every cell a spreadsheet would run as a formula (OWASP), past leading blanks and in full-width form", () => {
    const formulas = [
      '=1+1',
      '+1',
      '-1',
      '@SUM(A1)',
      '\t=1',
      '\r=1',
      '\tplain',
      ' =1',
      '   =HYPERLINK("http://x.invalid")',
      '\n=1',
      '\r\n+1',
      '\u00a0=1',
      '\u3000=1',
      '\uFF1D1+1',
      '\uFF0B1',
      '\uFF0D1',
      '\uFF20SUM(A1)',
      '  \uFF1D1',
    ];
    for (const f of formulas) expect(textCell(f), JSON.stringify(f)).toBe(`'${f.replace(/"/g, '""')}`);
  });

  it('leaves other cells as they are, quotes doubled', () => {
    for (const t of ['hello', ' hello', '3 - 2', 'a=b', 'x@y.example', '', '\uFF41=1', 'say "hi"'])
      expect(textCell(t), JSON.stringify(t)).toBe(t.replace(/"/g, '""'));
    const row: ExportRow = {
      conversationId: '=7',
      id: '+m',
      insertedAt: 'x',
      role: 'assistant',
      text: 't',
      feedback: { value: 'up' },
      content: null,
    };
    expect(toCsv([row]).split('\r\n')[1]).toBe('"\'=7","\'+m","x","assistant","t","{""value"":""up""}"');
  });
});

describe('export text (fourth review)', () => {
  const bot = (text: string) =>
    ({
      id: '1',
      conversationId: '7',
      insertedAt: '2026-01-02T10:00:00',
      sender: null,
      feedback: null,
      content: { messages: [{ input: { type: 'text' }, messages: [{ type: 'text', data: { text } }] }] },
    }) as never;

  it('flattens bot HTML to the text a reader saw: entities decoded, inline tags not splitting words', () => {
    expect(plainText(bot('Il costo &egrave; di <b>10</b>&euro;, l&#8217;ordine arriva'))).toBe('Il costo è di 10€, l’ordine arriva');
  });
});

describe('sign-out after the session expired (fourth review)', () => {
  it('signing out of a console left open past 8 h ends on the sign-in page, not a JSON 403', async () => {
    let t = Date.parse('2026-03-01T09:00:00Z');
    const h = bareHandler(undefined, () => t);
    const post = (path: string, body: string, cookie = '') =>
      h(
        new Request(`https://relay.example/console/${path}`, {
          method: 'POST',
          headers: { origin: 'https://relay.example', 'content-type': 'application/x-www-form-urlencoded', cookie },
          body,
        }),
      );
    const cookie = (await post('login', `token=${TOKEN}`))!.headers.get('set-cookie')!.split(';')[0]!;
    const app = await (await h(new Request('https://relay.example/console/', { headers: { cookie } })))!.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(app)![1]!;
    t += 9 * 3_600_000; // the tab stayed open overnight; the browser still sends nothing newer
    const out = (await post('logout', `csrf=${encodeURIComponent(csrf)}`, cookie))!;
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/console/');
  });
});
