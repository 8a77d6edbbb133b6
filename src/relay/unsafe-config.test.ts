// A relay that refuses to run unsafe (issue 7, point 5), over real HTTP on 127.0.0.1:
// no RELAY_SECRET with a real PAT, secret rotation, security headers on served pages,
// error bodies that never echo input, and the platform media origin announced in /session.
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeSSE } from '../core/protocol/encode.js';
import { createRelay, MISSING_SECRET } from './handler.js';
import { main, startRelayServer, type RelayServer } from './node.js';
import { contentSecurityPolicy } from './security-headers.js';
import { relayConfigFromEnv } from './env.js';
import { PAT, listenOnLoopback } from './fake-platform.test-helper.js';
import { MISSING_WEBHOOK_SECRET } from './feedback/route.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
const quiet = () => {};

/** A fake platform on a real port: every send gets a short canonical answer. */
async function fakePlatform(): Promise<string> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        encodeSSE({ type: 'processing.start' }) +
          encodeSSE({ type: 'text', data: { text: '<p>hi</p>' } }) +
          encodeSSE({ type: 'processing.end' }),
      );
    });
  });
  return listenOnLoopback(server, closers);
}

/** The relay with a real PAT against the fake platform. */
async function realRelay(env: Record<string, string>): Promise<RelayServer> {
  const api = await fakePlatform();
  const server = await startRelayServer({
    port: 0,
    env: { INDIGO_PAT: PAT, INDIGO_PROJECT_TOKEN: 'proj', INDIGO_API_BASE: api, ...env },
    log: quiet,
  });
  closers.push(() => server.close());
  return server;
}

async function session(relay: RelayServer): Promise<{ sender: string; mediaOrigins: string[] }> {
  const res = await fetch(`${relay.url}/api/chat/session`, {
    method: 'POST',
    headers: { origin: relay.url, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { sender: string; mediaOrigins: string[] };
}

async function send(relay: RelayServer, sender: string, origin = relay.url): Promise<number> {
  const res = await fetch(`${relay.url}/api/chat`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ sender, data: { type: 'text', text: 'hello' } }),
  });
  await res.text();
  return res.status;
}

/** What the CLI threw when started with `env` (undefined: it started, and is closed after the test). */
async function cliError(env: Record<string, string>): Promise<unknown> {
  try {
    const server = await main(['--port', '0'], env);
    if (server) closers.push(() => server.close());
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('RELAY_SECRET is required with a real PAT', () => {
  it('createRelay refuses, with one line saying why', () => {
    expect(() => createRelay({ apiBase: 'https://p.test', projectToken: 'p', pat: PAT })).toThrow(MISSING_SECRET);
    expect(MISSING_SECRET).not.toMatch(/\n/);
    expect(MISSING_SECRET).toMatch(/RELAY_SECRET/);
    expect(MISSING_SECRET).toMatch(/restart/);
    // A blank or comma-only value is no secret either.
    expect(() => createRelay({ apiBase: 'https://p.test', projectToken: 'p', pat: PAT, secret: ' , ' })).toThrow(MISSING_SECRET);
  });

  it('the CLI and the Node server refuse to start, and leave no port open', async () => {
    const api = await fakePlatform();
    const env = { INDIGO_PAT: PAT, INDIGO_PROJECT_TOKEN: 'proj', INDIGO_API_BASE: api, MOCK_REALTIME: '0' };
    const error = await cliError(env);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(MISSING_SECRET);
    await expect(startRelayServer({ port: 0, env, log: quiet })).rejects.toThrow(MISSING_SECRET);
  });

  it('the mock platform keeps the convenience: no secret needed', async () => {
    const server = await startRelayServer({ port: 0, env: { MOCK_REALTIME: '0' }, log: quiet });
    closers.push(() => server.close());
    const { sender } = await session(server);
    expect(await send(server, sender)).toBe(200);
  });
});

describe('FEEDBACK_WEBHOOK_SECRET: the webhook is signed with a key of its own, required with FEEDBACK_WEBHOOK_URL', () => {
  const RELAY_SECRET = 'relay-secret-relay-secret-relay-secret';
  const HOOK_SECRET = 'hook-secret-hook-secret-hook-secret-0';
  // Loopback's discard port: a delivery is refused at once, never sent off this machine.
  const HOOK = { FEEDBACK_WEBHOOK_URL: 'http://127.0.0.1:9/feedback' };
  const real = async (env: Record<string, string>) => ({
    INDIGO_PAT: PAT,
    INDIGO_PROJECT_TOKEN: 'proj',
    INDIGO_API_BASE: await fakePlatform(),
    MOCK_REALTIME: '0',
    RELAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'hook-')),
    ...env,
  });

  it('without it the CLI and the Node server refuse to start, with one line naming it', async () => {
    const env = await real({ RELAY_SECRET, ...HOOK });
    const error = await cliError(env);
    expect(error, 'the CLI refused to start').toBeInstanceOf(Error);
    expect((error as Error).message).toBe(MISSING_WEBHOOK_SECRET);
    expect(MISSING_WEBHOOK_SECRET).not.toMatch(/\n/);
    expect(MISSING_WEBHOOK_SECRET).toMatch(/^FEEDBACK_WEBHOOK_URL is set but FEEDBACK_WEBHOOK_SECRET is not/);
    await expect(startRelayServer({ port: 0, env, log: quiet })).rejects.toThrow(MISSING_WEBHOOK_SECRET);
  });

  it('refuses one under 32 characters or equal to a RELAY_SECRET entry (the rotated-out one too), naming it, never its value', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ RELAY_SECRET, FEEDBACK_WEBHOOK_SECRET: 'short-hook-secret' }, /FEEDBACK_WEBHOOK_SECRET must be at least 32 characters/],
      [{ RELAY_SECRET, FEEDBACK_WEBHOOK_SECRET: RELAY_SECRET }, /FEEDBACK_WEBHOOK_SECRET must differ from every RELAY_SECRET entry/],
      [
        { RELAY_SECRET: `${RELAY_SECRET}, ${HOOK_SECRET}`, FEEDBACK_WEBHOOK_SECRET: HOOK_SECRET },
        /must differ from every RELAY_SECRET entry/,
      ],
    ];
    for (const [env, message] of cases) {
      const error = await startRelayServer({ port: 0, env: await real({ ...HOOK, ...env }), log: quiet }).then(
        (server) => {
          closers.push(() => server.close());
          return null;
        },
        (e: unknown) => e as Error,
      );
      expect(error, `refused at start: ${String(message)}`).toBeInstanceOf(Error);
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toContain(env['FEEDBACK_WEBHOOK_SECRET']!);
    }
  });

  it('createRelay refuses a webhookUrl without webhookSecret too; with one, it starts', () => {
    const config = { apiBase: 'https://p.test', projectToken: 'p', pat: PAT, secret: RELAY_SECRET };
    expect(() => createRelay({ ...config, feedback: { webhookUrl: 'https://hooks.example/x' } })).toThrow(MISSING_WEBHOOK_SECRET);
    const relay = createRelay({ ...config, log: quiet, feedback: { webhookUrl: 'https://hooks.example/x', webhookSecret: HOOK_SECRET } });
    expect(relay.feedback.webhook).not.toBeNull();
  });

  it('with it, a real relay starts; the offline mock keeps the demo convenience without it (a random key, warned)', async () => {
    await realRelay({ RELAY_SECRET, ...HOOK, FEEDBACK_WEBHOOK_SECRET: HOOK_SECRET, RELAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'hook-')) });
    const warnings: string[] = [];
    const server = await startRelayServer({
      port: 0,
      env: { MOCK_REALTIME: '0', RELAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'hook-')), ...HOOK },
      log: (level, message) => void (level === 'warn' && warnings.push(message)),
    });
    closers.push(() => server.close());
    expect(warnings.filter((w) => w.includes('FEEDBACK_WEBHOOK_SECRET'))).toHaveLength(1);
    const { sender } = await session(server);
    const res = await fetch(`${server.url}/api/chat/feedback`, {
      method: 'POST',
      headers: { origin: server.url, 'content-type': 'application/json' },
      body: JSON.stringify({ sender, kind: 'thumbs', value: 'up', reasons: [], comment: '', messageId: `${sender.split('.')[0]}.1.0` }),
    });
    expect(await res.json()).toEqual({ ok: true, result: 'created' });
  });
});

describe('RELAY_SECRET as a comma list: the first signs, all verify', () => {
  it('rotates without cutting conversations', async () => {
    const OLD = 'old-secret-0123456789';
    const NEW = 'new-secret-9876543210';
    const during = await realRelay({ RELAY_SECRET: `${NEW}, ${OLD}` });
    const after = await realRelay({ RELAY_SECRET: NEW });
    // A conversation started before the rotation (signed with the old secret) goes on.
    expect(await send(during, await mint(OLD, during.url))).toBe(200);
    // New conversations are signed with the first secret ...
    const fresh = await mint(`${NEW},${OLD}`, after.url);
    expect(await send(after, fresh)).toBe(200);
    expect(await send(during, (await session(during)).sender)).toBe(200);
    // ... and once the old secret is dropped, its senders are refused.
    expect(await send(after, await mint(OLD, after.url))).toBe(403);
    expect(await send(after, await mint('unrelated-secret', after.url))).toBe(403);
  });
});

/** A sender id as a relay with `secret` (comma list) would mint it for `origin`. */
async function mint(secret: string, origin: string): Promise<string> {
  const relay = createRelay({ apiBase: 'https://p.test', projectToken: 'p', pat: PAT, secret, selfOrigin: origin, log: quiet });
  const res = await relay(new Request(`${origin}/api/chat/session`, { method: 'POST', headers: { origin } }), {});
  expect(res.status).toBe(200);
  return ((await res.json()) as { sender: string }).sender;
}

describe('the platform media origin, announced in /session', () => {
  it('defaults to the origin of INDIGO_API_BASE', async () => {
    const api = await fakePlatform();
    const relay = await realRelay({ RELAY_SECRET: 's', INDIGO_API_BASE: `${api}/some/path` });
    expect((await session(relay)).mediaOrigins).toEqual([api]);
  });

  it('RELAY_MEDIA_ORIGINS replaces it (origins; a path counts as its origin), `none` announces none, anything else stops the start', async () => {
    const relay = await realRelay({
      RELAY_SECRET: 's',
      RELAY_MEDIA_ORIGINS: 'https://cdn.example/, https://media.example:8443/x',
    });
    expect((await session(relay)).mediaOrigins).toEqual(['https://cdn.example', 'https://media.example:8443']);
    for (const bad of ['https://cdn.example, not a url', 'cdn.example', 'ftp://files.example', 'https://'])
      expect(
        () => relayConfigFromEnv({ INDIGO_PAT: PAT, INDIGO_PROJECT_TOKEN: 'proj', RELAY_SECRET: 's', RELAY_MEDIA_ORIGINS: bad }),
        bad,
      ).toThrow(/RELAY_MEDIA_ORIGINS takes origins such as https:\/\/cdn\.example .*entry \d is not one/);
    const none = await realRelay({ RELAY_SECRET: 's', RELAY_MEDIA_ORIGINS: 'none' });
    expect((await session(none)).mediaOrigins).toEqual([]);
  });
});

describe('error bodies never echo input', () => {
  it('no part of a hostile request comes back in any error', async () => {
    const relay = await realRelay({ RELAY_SECRET: 's' });
    const { sender } = await session(relay);
    const MARK = 'ECHO<img src=x onerror=alert(1)>';
    const enc = encodeURIComponent(MARK);
    const requests: [string, RequestInit][] = [
      [`/api/chat/${enc}`, { method: 'POST', headers: { origin: relay.url }, body: MARK }],
      ['/api/chat', { method: 'POST', headers: { origin: relay.url, 'content-type': 'application/json' }, body: `{"sender":"${MARK}"` }],
      [
        '/api/chat',
        {
          method: 'POST',
          headers: { origin: relay.url, 'content-type': 'application/json' },
          body: JSON.stringify({ sender: MARK, data: { type: 'text', text: 'x' } }),
        },
      ],
      [
        '/api/chat',
        {
          method: 'POST',
          headers: { origin: relay.url, 'content-type': 'application/json' },
          body: JSON.stringify({ sender, data: { type: MARK } }),
        },
      ],
      [
        '/api/chat',
        {
          method: 'POST',
          headers: { origin: relay.url, 'content-type': 'application/json' },
          body: JSON.stringify({ sender, data: { type: 'text', text: MARK.repeat(600) } }),
        },
      ],
      [
        '/api/chat',
        {
          method: 'POST',
          headers: { origin: relay.url, 'content-type': 'application/json' },
          body: JSON.stringify({ sender, data: { type: 'payload', payload: MARK, label: 7 } }),
        },
      ],
      [
        '/api/chat',
        {
          method: 'POST',
          headers: { origin: relay.url, 'content-type': 'application/json' },
          body: `{"sender":"${sender}","data":{"type":"profile","profile":{"__proto__":"${MARK}"}}}`,
        },
      ],
      [
        '/api/chat',
        {
          method: 'POST',
          headers: { origin: relay.url, 'content-type': 'application/json' },
          body: JSON.stringify({ sender, data: { type: 'profile', profile: { [MARK]: 1 } } }),
        },
      ],
      ['/api/chat', { method: 'POST', headers: { origin: relay.url, 'content-type': MARK }, body: '{}' }],
      [
        '/api/chat',
        {
          method: 'POST',
          headers: { origin: `https://${enc.toLowerCase().replace(/%/g, '')}.example`, 'content-type': 'application/json' },
          body: MARK,
        },
      ],
      ['/api/chat', { method: 'PUT', headers: { origin: relay.url }, body: MARK }],
      [`/api/chat?${enc}`, { method: 'OPTIONS', headers: { origin: relay.url, 'access-control-request-method': MARK } }],
      [`/${enc}`, { method: 'GET' }],
    ];
    for (const [path, init] of requests) {
      const res = await fetch(`${relay.url}${path}`, init);
      const body = await res.text();
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(body, `${init.method} ${path}`).not.toContain('ECHO');
      expect(decodeURIComponent(body)).not.toContain('ECHO');
      for (const [, value] of res.headers) expect(value).not.toContain('ECHO');
    }
  });
});

describe('security headers on the pages the Node server serves', () => {
  it('every static file gets CSP with frame-ancestors, referrer-policy and permissions-policy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-headers-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>demo</title>');
    writeFileSync(join(dir, 'app.js'), 'export {}');
    const server = await startRelayServer({ port: 0, staticDir: dir, env: { MOCK_REALTIME: '0' }, log: quiet });
    closers.push(() => server.close());
    for (const path of ['/', '/app.js']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toBe(contentSecurityPolicy());
      expect(csp).toMatch(/frame-ancestors 'self'/);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toMatch(/object-src 'none'/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(csp).toMatch(/img-src 'self' https:;/);
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('permissions-policy')).toMatch(/camera=\(\)/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-dns-prefetch-control')).toBe('off');
    }
  });

  it("an HTML page's own inline scripts run by their SHA-256 (CRLF as the parser sees it); nothing else inline", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-hashes-'));
    writeFileSync(
      join(dir, 'snippet.html'),
      '<!doctype html><script>alert(1)</script><script src="/app.js"></script>\n<SCRIPT type="module">let a = 1;\r\nlet b = 2;\r\n</SCRIPT >',
    );
    writeFileSync(join(dir, 'plain.html'), '<!doctype html><title>no inline script</title><script src="/app.js"></script>');
    writeFileSync(join(dir, 'app.js'), '/* <script>alert(1)</script> */');
    const server = await startRelayServer({ port: 0, staticDir: dir, env: { MOCK_REALTIME: '0' }, log: quiet });
    closers.push(() => server.close());
    const csp = async (path: string) => (await fetch(`${server.url}${path}`)).headers.get('content-security-policy') ?? '';
    // Hashes from openssl (`printf 'alert(1)' | openssl dgst -sha256 -binary | base64`).
    expect(await csp('/snippet.html')).toContain(
      "script-src 'self' 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI=' 'sha256-wZzqGZdDXVLhwqDpGcWPuadJsxcCe6IEECzZ2qHiUtI=';",
    );
    expect(await csp('/plain.html')).toBe(contentSecurityPolicy());
    expect(await csp('/app.js')).toBe(contentSecurityPolicy());
    // Only hash sources pass: a value that would open the policy is dropped.
    expect(
      contentSecurityPolicy({
        scriptHashes: ["'unsafe-inline'", "'sha256-x' https:", "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"],
      }),
    ).toContain("script-src 'self' 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI=';");
  });

  it('contentSecurityPolicy takes only exact origins (nothing can inject a directive)', () => {
    const csp = contentSecurityPolicy({
      mediaOrigins: ['https://cdn.example', "https://x.example; script-src 'unsafe-inline'"],
      trustedTypes: true,
    });
    expect(csp).toContain("img-src 'self' https://cdn.example;");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("require-trusted-types-for 'script'; trusted-types lit-html indigo-chat-html indigo-chat-loader");
  });
});
