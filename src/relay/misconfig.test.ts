// What a site owner meets when a setting is wrong: one clear line at start (never a relay
// that runs and refuses every visitor, or a bare `listen EADDRINUSE`), over real HTTP on
// 127.0.0.1. Also: the Node server's own JSON answers carry nosniff like the relay's.
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RelayConfigError } from './config-error.js';
import { encodeSSE } from '../core/protocol/encode.js';
import { relayConfigFromEnv } from './env.js';
import { createRelay } from './handler.js';
import { listenOnLoopback } from './fake-platform.test-helper.js';
import { BODY_ALREADY_READ, createRelayMiddleware, main, startRelayServer, type RelayServer } from './node.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
const quiet = () => {};
const MOCK = { MOCK_REALTIME: '0', LOG_LEVEL: 'silent' };

async function start(env: Record<string, string>, options: { staticDir?: string; port?: number } = {}): Promise<RelayServer> {
  const server = await startRelayServer({ port: 0, env: { ...MOCK, ...env }, log: quiet, ...options });
  closers.push(() => server.close());
  return server;
}

/** A port some other process holds (a plain server of this test). */
async function busyPort(): Promise<number> {
  return Number(
    new URL(
      await listenOnLoopback(
        http.createServer((_req, res) => res.end()),
        closers,
      ),
    ).port,
  );
}

/** Is anything listening on this port of 127.0.0.1? */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz' }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
  });
}

const session = (relay: RelayServer, origin: string) =>
  fetch(`${relay.url}/api/chat/session`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: '{}' });

describe('ALLOWED_ORIGINS, RELAY_SELF_ORIGIN and RELAY_BASE_PATH: origins and a path, as browsers send them', () => {
  it('normalises what a browser would send: case, trailing slash, default port', () => {
    const config = relayConfigFromEnv({
      RELAY_UPSTREAM: 'indigo',
      INDIGO_PAT: 'x',
      INDIGO_PROJECT_TOKEN: 'p',
      ALLOWED_ORIGINS: 'https://Shop.Example/, https://shop.example:443 , http://127.0.0.1:8080',
      RELAY_SELF_ORIGIN: 'HTTPS://Relay.Example:443/',
    });
    expect(config.allowedOrigins).toEqual(['https://shop.example', 'https://shop.example', 'http://127.0.0.1:8080']);
    expect(config.selfOrigin).toBe('https://relay.example');
  });

  it('an entry that could never match stops the relay with one line naming the variable and the entry', () => {
    const env = { INDIGO_PAT: 'x', INDIGO_PROJECT_TOKEN: 'p' };
    for (const bad of [
      'store.test',
      '*',
      'https://store.test/checkout',
      'https://store.test/?a',
      'ftp://store.test',
      'https://user@store.test',
    ]) {
      let error: unknown;
      try {
        relayConfigFromEnv({ ...env, ALLOWED_ORIGINS: `https://ok.example, ${bad}` });
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(RelayConfigError);
      const message = (error as Error).message;
      expect(message).toMatch(/^ALLOWED_ORIGINS takes exact origins such as https:\/\/shop\.example/);
      // Which entry, never its value (the Worker answers with this message).
      expect(message).toContain(bad === '*' ? '"*" is not supported' : 'entry 2 is not one');
      if (bad !== '*') expect(message).not.toContain(bad);
      expect(message).not.toMatch(/\n/);
    }
    expect(() => relayConfigFromEnv({ ...env, RELAY_SELF_ORIGIN: 'relay.example' })).toThrow(/^RELAY_SELF_ORIGIN takes exact origins/);
  });

  it('RELAY_BASE_PATH takes a path, not a URL', () => {
    const env = { INDIGO_PAT: 'x', INDIGO_PROJECT_TOKEN: 'p' };
    for (const bad of ['https://shop.example/api/chat', '/api/chat?x=1', '/api chat', '/api/chat#top'])
      expect(() => relayConfigFromEnv({ ...env, RELAY_BASE_PATH: bad }), bad).toThrow(
        'RELAY_BASE_PATH must be a path such as /api/chat (no scheme, host, query or spaces).',
      );
    for (const good of ['/chat', 'chat/', '/', '/v1/chat-relay_2', '/%7Euser/chat'])
      expect(relayConfigFromEnv({ ...env, RELAY_BASE_PATH: good }).basePath).toBe(good);
  });

  it('over HTTP: a mixed-case entry lets the browser in; a bad one stops the CLI before it listens', async () => {
    const relay = await start({ ALLOWED_ORIGINS: 'https://Shop.Example:443/' });
    expect((await session(relay, 'https://shop.example')).status).toBe(200);
    expect((await session(relay, 'https://other.example')).status).toBe(403);
    await expect(main(['--port', '0'], { ...MOCK, ALLOWED_ORIGINS: 'shop.example', LOG_LEVEL: 'silent' })).rejects.toThrow(
      /^ALLOWED_ORIGINS takes exact origins/,
    );
  });
});

describe('the Node server and CLI at start', () => {
  it('--static naming no directory stops at start (instead of a 404 for every page)', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'indigo-static-')), 'pubilc');
    await expect(main(['--port', '0', '--static', missing], { ...MOCK, LOG_LEVEL: 'silent' })).rejects.toThrow(
      `--static: ${missing} is not a directory.`,
    );
  });

  it('--static with the relay mounted at / (which would answer every page) stops at start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'indigo-static-'));
    await expect(main(['--port', '0', '--static', dir], { ...MOCK, RELAY_BASE_PATH: '/', LOG_LEVEL: 'silent' })).rejects.toThrow(
      '--static needs the relay under a path of its own: with RELAY_BASE_PATH=/ it would answer every page.',
    );
    // Without --static the relay may live at / (its own host).
    const relay = await start({ RELAY_BASE_PATH: '/' });
    const res = await fetch(`${relay.url}/session`, { method: 'POST', headers: { origin: relay.url } });
    expect(res.status).toBe(200);
  });

  it('a port already in use: one line saying so and what to do, and nothing left open', async () => {
    const port = await busyPort();
    await expect(startRelayServer({ port, env: MOCK, log: quiet })).rejects.toThrow(
      `Port ${port} on 127.0.0.1 is already in use (another relay or npm start?): stop that process, or choose another port with --port (0 picks a free one).`,
    );
    await expect(startRelayServer({ env: { ...MOCK, PORT: String(port) }, log: quiet })).rejects.toThrow(/choose another port with PORT /);
  });

  it('a HOST this machine does not have says so', async () => {
    // 192.0.2.1 is TEST-NET-1: never an address of this machine, and binding sends nothing.
    await expect(startRelayServer({ port: 0, env: { ...MOCK, HOST: '192.0.2.1' }, log: quiet })).rejects.toThrow(
      '192.0.2.1 is not an address of this machine: set HOST or --host to one (127.0.0.1, or 0.0.0.0 for all).',
    );
  });

  it('a busy RELAY_METRICS_PORT says so and does not leave the relay listening', async () => {
    const taken = await busyPort();
    // Find a free port for the relay itself, then release it for the relay to take.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    await expect(startRelayServer({ port, env: { ...MOCK, RELAY_METRICS_PORT: String(taken) }, log: quiet })).rejects.toThrow(
      `Port ${taken} on 127.0.0.1 is already in use (another relay or npm start?): stop that process, or choose another port with RELAY_METRICS_PORT (0 picks a free one).`,
    );
    expect(await listening(port)).toBe(false);
  });

  it('LOG_LEVEL, RELAY_METRICS, RELAY_METRICS_PORT, MOCK_REALTIME, MOCK_SEED and REDIS_URL values it does not understand stop it in one line (they were ignored or crashed)', async () => {
    await expect(main(['--port', '0'], { ...MOCK, LOG_LEVEL: 'warning' })).rejects.toThrow(
      'LOG_LEVEL must be one of debug, info, warn, error, silent.',
    );
    await expect(main(['--port', '0'], { ...MOCK, RELAY_METRICS: 'yes' })).rejects.toThrow('RELAY_METRICS must be 1 (on) or 0 (off).');
    await expect(main(['--port', '0'], { ...MOCK, RELAY_METRICS_PORT: '70000' })).rejects.toThrow(
      'RELAY_METRICS_PORT must be a whole number from 0 to 65535.',
    );
    await expect(main(['--port', '0'], { MOCK_REALTIME: 'fast', LOG_LEVEL: 'silent' })).rejects.toThrow(
      'MOCK_REALTIME must be 1 (simulated delays) or 0 (none).',
    );
    await expect(main(['--port', '0'], { RELAY_UPSTREAM: 'botpress', MOCK_REALTIME: 'no', LOG_LEVEL: 'silent' })).rejects.toThrow(
      /^MOCK_REALTIME must be/,
    );
    await expect(main(['--port', '0'], { ...MOCK, MOCK_SEED: 'forty-two' })).rejects.toThrow('MOCK_SEED must be a number.');
    for (const bad of ['localhost:6379', '127.0.0.1:6379', 'http://127.0.0.1:6379'])
      await expect(main(['--port', '0'], { ...MOCK, REDIS_URL: bad }), bad).rejects.toThrow(
        'REDIS_URL is not a valid redis:// or rediss:// URL.',
      );
    // `true` reads as on, like RELAY_TRUST_PROXY; upper case and blanks are fine.
    const relay = await start({ RELAY_METRICS: 'true', LOG_LEVEL: ' WARN ' });
    const metrics = await fetch(`${relay.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('relay_active_streams');
  });

  it('a RELAY_SECRET under 32 characters works but is warned about at start, without its value', async () => {
    const warned = async (secret: string) => {
      const lines: string[] = [];
      const server = await startRelayServer({
        port: 0,
        env: { MOCK_REALTIME: '0', RELAY_SECRET: secret },
        log: (level, message) => lines.push(`${level} ${message}`),
      });
      closers.push(() => server.close());
      return lines.filter((l) => l.includes('RELAY_SECRET is shorter than 32 characters'));
    };
    const short = await warned('hunter2-but-longer');
    expect(short).toHaveLength(1);
    expect(short[0]).toMatch(/^warn /);
    expect(short[0]).not.toContain('hunter2');
    expect(await warned('k3J9x0Qm2VbL7tRz5WcY8nHp4sDf6GaE,old-and-short')).toHaveLength(1);
    expect(await warned('k3J9x0Qm2VbL7tRz5WcY8nHp4sDf6GaE')).toHaveLength(0);
  });

  it('a platform API base in plain http to another host is warned about at start (loopback is not)', async () => {
    const warnings = async (env: Record<string, string>) => {
      const lines: string[] = [];
      const server = await startRelayServer({
        port: 0,
        env: { RELAY_SECRET: 'k3J9x0Qm2VbL7tRz5WcY8nHp4sDf6GaE', ...env },
        log: (level, message) => lines.push(`${level} ${message}`),
      });
      closers.push(() => server.close());
      return lines.filter((l) => l.includes('unencrypted'));
    };
    const indigo = { INDIGO_PAT: 'pat-value', INDIGO_PROJECT_TOKEN: 'p' };
    expect(await warnings({ ...indigo, INDIGO_API_BASE: 'http://platform.internal.example' })).toEqual([
      'warn relay: INDIGO_API_BASE is plain http to another host, so the platform token crosses the network unencrypted; use https',
    ]);
    expect(await warnings({ ...indigo, INDIGO_API_BASE: 'http://127.0.0.1:9000' })).toEqual([]);
    expect(await warnings({ ...indigo, INDIGO_API_BASE: 'https://platform.indigo.ai' })).toEqual([]);
    const botpress = { RELAY_UPSTREAM: 'botpress', BOTPRESS_TOKEN: 't', BOTPRESS_BOT_ID: 'b' };
    expect(await warnings({ ...botpress, BOTPRESS_API_BASE: 'http://bots.example' })).toHaveLength(1);
    // The offline mocks are served in-process: nothing to warn about.
    expect(await warnings({ MOCK_REALTIME: '0' })).toEqual([]);
  });

  it("the server's own JSON answers (404, /healthz, /readyz) carry nosniff and no-store like the relay's", async () => {
    const relay = await start({});
    for (const path of ['/nope', '/healthz', '/readyz']) {
      const res = await fetch(`${relay.url}${path}`);
      await res.text();
      expect(res.headers.get('content-type'), path).toBe('application/json; charset=utf-8');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
  });
});

describe('createRelayMiddleware mounted after a body parser (Express: app.use(express.json()) first)', () => {
  /** An app whose parser reads every body first, as express.json()/raw()/text() do, then the relay. */
  async function app(keep: (raw: Buffer) => unknown) {
    const logged: string[] = [];
    const relay = createRelay({
      apiBase: 'https://platform.test',
      projectToken: 'p',
      pat: 'pat-test',
      secret: 'misconfig-secret',
      log: (level, message, fields) => logged.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`),
      fetch: async () =>
        new Response(
          encodeSSE({ type: 'processing.start' }) +
            encodeSSE({ type: 'text', data: { text: '<p>hi</p>' } }) +
            encodeSSE({ type: 'processing.end' }),
          {
            headers: { 'content-type': 'text/event-stream' },
          },
        ),
    });
    const middleware = createRelayMiddleware(relay);
    const server = http.createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        const kept = keep(Buffer.concat(parts));
        if (kept !== undefined) (req as { body?: unknown }).body = kept;
        middleware(req, res, () => res.writeHead(404).end());
      });
    });
    const url = await listenOnLoopback(server, closers);
    const post = (path: string, body: string) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { origin: url, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(10_000),
      });
    return { post, logged };
  }

  const json = (raw: Buffer) => JSON.parse(raw.toString('utf8') || '{}') as unknown;
  for (const [kind, keep] of [
    ['a parsed JSON value (express.json)', json],
    ['the raw bytes (express.raw)', (raw: Buffer) => raw],
    ['the text (express.text)', (raw: Buffer) => raw.toString('utf8')],
  ] as const) {
    it(`answers instead of hanging, from ${kind}`, async () => {
      const { post } = await app(keep);
      const session = await post('/api/chat/session', '{}');
      expect(session.status).toBe(200);
      const { sender } = (await session.json()) as { sender: string };
      const answer = await post('/api/chat', JSON.stringify({ sender, data: { type: 'text', text: 'hello' } }));
      expect(answer.status).toBe(200);
      expect(await answer.text()).toContain('"processing.end"');
      const bad = await post('/api/chat', '{"sender": 1}');
      expect(bad.status).toBe(400);
    });
  }

  it('a body read and not kept: 500 at once, and the log says to mount the relay first', async () => {
    const { post, logged } = await app(() => undefined);
    const res = await post('/api/chat/session', '{}');
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('internal_error');
    expect(logged.join('\n')).toContain(BODY_ALREADY_READ);
  });
});

describe('behind a proxy that terminates TLS (the page is https, the relay sees http)', () => {
  const asked = (relay: RelayServer, headers: Record<string, string>) =>
    fetch(`${relay.url}/api/chat/session`, { method: 'POST', headers: { origin: relay.url.replace('http:', 'https:'), ...headers } });

  it('with RELAY_TRUST_PROXY, the own-origin check takes the scheme from the proxy’s X-Forwarded-Proto', async () => {
    const relay = await start({ RELAY_TRUST_PROXY: '1' });
    expect((await asked(relay, { 'x-forwarded-proto': 'https' })).status).toBe(200);
    // The nearest proxy's entry is the last one.
    expect((await asked(relay, { 'x-forwarded-proto': 'http, https' })).status).toBe(200);
    expect((await asked(relay, { 'x-forwarded-proto': 'https, http' })).status).toBe(403);
    expect((await asked(relay, {})).status).toBe(403);
  });

  it('without RELAY_TRUST_PROXY the header is not believed', async () => {
    const relay = await start({});
    expect((await asked(relay, { 'x-forwarded-proto': 'https' })).status).toBe(403);
  });
});
