/**
 * indigo-chat-widget/relay/node: the relay on Node's http module. Connect/Express-style
 * middleware, a one-port server (relay + optional mock platform + static files) and the
 * `indigo-chat-relay` CLI.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, type Stats } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { createMockPlatform, type MockPlatformOptions } from '../mock-platform/index.js';
import { createRelay, normalizeBasePath, type MountedRelayHandler, type RelayConfig, type RelayHandler, type RelayLog } from './handler.js';
import { relayConfigFromEnv } from './env.js';
import { RelayConfigError, wholeNumber } from './config-error.js';
import { staticResponse } from './static-response.js';
import { mockRealtime, mockSeed, offlineUpstream } from './offline-upstreams.js';
import { upstreamName } from './upstreams/env.js';
import { createProduction, listenOrExplain, type Production } from './production.js';
import { nodeConsole, nodeFeedbackConfig } from './owner-node.js';
import type { ConsoleHandler } from './console/handler.js';
import type { FeedbackDetail } from '../core/platform/feedback.js';
import { inlineScriptTexts, securityHeaders, type CspOptions } from './security-headers.js';
import { answerPipeOf } from './stream.js';
import { writeAnswer } from './node-answer.js';
import { nodeHttpFetch } from './node-upstream.js';

export type NextFunction = (error?: unknown) => void;
export type RelayMiddleware = (req: http.IncomingMessage, res: http.ServerResponse, next?: NextFunction) => void;
type Env = Record<string, string | undefined>;

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The message a request gets (500, logged) when another middleware read its body and kept nothing. */
export const BODY_ALREADY_READ =
  'relay: the request body was already read by another middleware and not kept as req.body; mount createRelayMiddleware before any body parser';

/**
 * The body a parser left on `req.body` once it has read the stream: bytes or text as they
 * are, a parsed JSON value serialised again. Nothing kept: a stream that fails with
 * BODY_ALREADY_READ, so the handler answers 500 at once instead of waiting forever.
 */
function parsedBody(req: http.IncomingMessage): ReadableStream<Uint8Array> {
  const parsed = (req as { body?: unknown }).body;
  const bytes =
    parsed instanceof Uint8Array
      ? new Uint8Array(parsed)
      : typeof parsed === 'string'
        ? new TextEncoder().encode(parsed)
        : parsed !== undefined && parsed !== null && typeof parsed === 'object'
          ? new TextEncoder().encode(JSON.stringify(parsed))
          : null;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (!bytes) return controller.error(new Error(BODY_ALREADY_READ));
      if (bytes.byteLength > 0) controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** IncomingMessage -> Request, with an AbortSignal that fires when the client goes away. */
export function toWebRequest(req: http.IncomingMessage, res: http.ServerResponse, signal: AbortSignal): Request {
  const host = req.headers.host ?? '127.0.0.1';
  const tls = (req.socket as { encrypted?: boolean }).encrypted === true;
  // Express strips the mount path from req.url; originalUrl keeps it.
  const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  let body: ReadableStream<Uint8Array> | undefined;
  if (!BODYLESS.has(method) && req.readableEnded) {
    // A body parser (express.json(), express.raw(), ...) mounted before the relay has read
    // the stream already: waiting for it would hang every request. Use what it parsed.
    body = parsedBody(req);
    headers.delete('content-length');
    headers.delete('content-encoding');
  } else if (!BODYLESS.has(method)) {
    // Pull-based: the socket is resumed only while the handler reads, so an oversize body
    // is never buffered beyond the handler's cap.
    // `settled`: ended, failed or cancelled; after that the controller is never touched.
    let settled = false;
    let wake: (() => void) | undefined;
    body = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          req.on('end', () => {
            if (settled) return;
            settled = true;
            controller.close();
            wake?.();
          });
          req.on('error', (error) => {
            if (settled) return;
            settled = true;
            controller.error(error);
            wake?.();
          });
          req.pause();
        },
        pull(controller) {
          if (settled) return;
          return new Promise<void>((done) => {
            wake = done;
            req.once('data', (chunk: Buffer) => {
              req.pause();
              wake = undefined;
              if (!settled) controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
              done();
            });
            req.resume();
          });
        },
        cancel() {
          // The handler stopped reading (an oversize body): discard the rest so the
          // response still goes out and a keep-alive connection stays usable.
          settled = true;
          wake?.();
          req.removeAllListeners('data');
          req.on('data', () => {});
          req.resume();
        },
      },
      { highWaterMark: 0 },
    );
  }
  void res;
  return new Request(`${tls ? 'https' : 'http'}://${host}${path}`, {
    method,
    headers,
    body,
    signal,
    // Node's fetch needs this for a streamed request body.
    ...(body ? { duplex: 'half' } : {}),
  });
}

/** Writes a Response to a ServerResponse, honouring backpressure and client disconnects. */
export async function sendWebResponse(response: Response, res: http.ServerResponse, signal: AbortSignal): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  if (!response.body || res.req.method === 'HEAD') {
    response.body?.cancel().catch(() => {});
    res.end();
    return;
  }
  // Event streams: send the headers now, not with the first chunk.
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) res.flushHeaders();
  // An answer: its pipe writes to the socket directly (no web stream per chunk).
  const pipe = answerPipeOf(response);
  if (pipe) return writeAnswer(pipe, res, signal);
  const reader = response.body.getReader();
  const onAbort = () => {
    reader.cancel().catch(() => {});
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal.aborted) return;
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) {
        // Wait for the socket to drain (or close) before pulling the next chunk.
        await Promise.race([once(res, 'drain'), once(res, 'close')]);
      }
    }
    res.end();
  } catch {
    // The reader was cancelled (client gone) or the body errored: end what we can.
    if (!res.writableEnded) res.destroy();
  } finally {
    signal.removeEventListener('abort', onAbort);
    // Aborted before the listener was added: cancel here, so the upstream stops too.
    if (signal.aborted) reader.cancel().catch(() => {});
  }
}

/** Serve one web handler on a Node request; used for the relay and the mock platform. */
export function serveWebHandler(
  handler: (request: Request, info?: { ip?: string }) => Promise<Response>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  onError: (error: unknown) => void,
): void {
  const controller = new AbortController();
  // 'close' on the response fires when it is finished or when the socket died first.
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  let request: Request;
  try {
    request = toWebRequest(req, res, controller.signal);
  } catch {
    // A Host header no URL can be made of (`a b`, `x:99999`): it used to throw out of the
    // request listener and take the whole process down. A fixed answer; nothing echoed.
    req.resume();
    res.writeHead(400, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'close',
    });
    res.end(JSON.stringify({ error: { code: 'invalid_request', message: 'The request has no valid Host.' } }));
    return;
  }
  handler(request, { ip: req.socket.remoteAddress ?? undefined })
    .then((response) => sendWebResponse(response, res, controller.signal))
    .catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: { code: 'internal_error', message: 'The relay failed.' } }));
      } else res.destroy();
    });
}

function pathOf(req: http.IncomingMessage): string {
  const raw = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? raw : raw.slice(0, q);
}

function within(path: string, base: string): boolean {
  return base === '/' || path === base || path.startsWith(`${base}/`);
}

/**
 * Connect/Express-style middleware for the relay. Pass a handler from `createRelay` (its
 * basePath is used) or a RelayConfig. Requests outside basePath go to `next()`.
 */
export function createRelayMiddleware(
  handlerOrConfig: RelayHandler | RelayConfig,
  options: { basePath?: string; log?: RelayLog } = {},
): RelayMiddleware {
  const handler = typeof handlerOrConfig === 'function' ? handlerOrConfig : createRelay(handlerOrConfig);
  const basePath = normalizeBasePath(
    options.basePath ??
      (handler as { basePath?: string }).basePath ??
      (typeof handlerOrConfig === 'function' ? undefined : handlerOrConfig.basePath),
  );
  const log = options.log ?? ((_l: string, m: string) => console.error(m));
  return (req, res, next) => {
    if (!within(pathOf(req), basePath)) {
      if (next) next();
      else {
        res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: { code: 'not_found', message: 'Not found.' } }));
      }
      return;
    }
    serveWebHandler(handler, req, res, () => log('error', 'relay: failed to write a response'));
  };
}

const MOCK_PREFIX = '/mock-platform';

interface Mounted {
  relay: RelayMiddleware;
  mock: ((request: Request) => Promise<Response>) | null;
  /** The owner console (RELAY_CONSOLE_TOKEN), answering under /console. */
  console: ConsoleHandler | null;
  /** Stops the webhook worker and closes the feedback store. */
  close(): Promise<void>;
}

/** Starts the feedback webhook worker; returns the closer for the mount. */
function ownerParts(relayHandler: ReturnType<typeof createRelay>): () => Promise<void> {
  relayHandler.feedback.webhook?.start();
  return async () => {
    await relayHandler.feedback.webhook?.stop();
    await relayHandler.feedback.store.close();
  };
}

/**
 * The platform's token in clear text over the network: an `http:` API base on a host other
 * than loopback works (an internal gateway) but is said once at start.
 */
function warnIfCleartext(env: Env, log: RelayLog): void {
  const name = { indigo: 'INDIGO_API_BASE', botpress: 'BOTPRESS_API_BASE', 'chat-messages': 'CHAT_MESSAGES_API_BASE' }[upstreamName(env)];
  const raw = env[name]?.trim();
  if (!raw) return;
  try {
    const url = new URL(raw);
    const loopback = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i.test(url.hostname);
    if (url.protocol === 'http:' && !loopback)
      log('warn', `relay: ${name} is plain http to another host, so the platform token crosses the network unencrypted; use https`);
  } catch {
    // malformed: relayConfigFromEnv has already refused it
  }
}

/** RELAY_UPSTREAM_CLIENT: `node` (default, node:http) or `fetch` (Node's global fetch). */
function upstreamClient(env: Env): ((request: Request) => Promise<Response>) | undefined {
  const v = (env.RELAY_UPSTREAM_CLIENT ?? '').trim().toLowerCase();
  if (v === 'fetch') return undefined;
  if (v !== '' && v !== 'node') throw new Error('RELAY_UPSTREAM_CLIENT must be node or fetch.');
  return nodeHttpFetch();
}

/** The relay from env, or (no INDIGO_PAT) the relay pointed at an in-process mock platform. */
function mountFromEnv(env: Env, publicOrigin: string, log: RelayLog, mockOptions: MockPlatformOptions = {}, prod?: Production): Mounted {
  // Production wiring (shared store, drain signal, logs and metrics) when the server has it.
  // Feedback storage (SQLite, or Redis with REDIS_URL) and the owner console ride along.
  const build = (
    config: RelayConfig,
    platform: {
      projectId: string | undefined;
      fetch?: (r: Request) => Promise<Response>;
      onStored?: (sender: string, detail: FeedbackDetail) => void;
    },
  ): Omit<Mounted, 'mock'> => {
    const relay: MountedRelayHandler = createRelay({
      ...config,
      log,
      ...(prod ? prod.relayOptions : {}),
      feedback: nodeFeedbackConfig(env, config.feedback, platform.onStored, log),
    });
    const consoleHandler = nodeConsole(
      env,
      relay,
      { apiBase: config.apiBase, pat: config.pat, projectId: platform.projectId, ...(platform.fetch ? { fetch: platform.fetch } : {}) },
      log,
    );
    return { relay: createRelayMiddleware(prod ? prod.wrap(relay) : relay), console: consoleHandler, close: ownerParts(relay) };
  };
  const offline = offlineUpstream(env, `${publicOrigin}${MOCK_PREFIX}`, log);
  if (offline) {
    const config = relayConfigFromEnv({ ...env, ...offline.env });
    // An offline mock, like the indigo one: no RELAY_SECRET needed.
    return {
      ...build(
        { ...config, fetch: offline.fetch, allowRandomSecret: true },
        { projectId: env.INDIGO_PROJECT_ID?.trim(), fetch: offline.fetch },
      ),
      mock: offline.fetch,
    };
  }
  if (upstreamName(env) !== 'indigo' || env.INDIGO_PAT?.trim()) {
    const config = relayConfigFromEnv(env);
    warnIfCleartext(env, log);
    // The streamed platform goes through node:http (node-upstream.ts) unless told otherwise.
    const fetch = upstreamName(env) === 'indigo' ? upstreamClient(env) : undefined;
    return { ...build(fetch ? { ...config, fetch } : config, { projectId: env.INDIGO_PROJECT_ID?.trim() }), mock: null };
  }
  log('info', 'no INDIGO_PAT: using the built-in mock platform');
  const seed = mockSeed(env);
  const mock = createMockPlatform({
    mediaBase: `${publicOrigin}${MOCK_PREFIX}/media`,
    realtime: mockRealtime(env),
    // Reproducible demos and tests: the same seed picks the same answers and timings.
    ...(seed !== undefined ? { seed } : {}),
    ...mockOptions,
  });
  const fetchMock = (request: Request) => mock.fetch(request);
  const config = relayConfigFromEnv({
    ...env,
    INDIGO_PAT: 'mock-pat',
    INDIGO_PROJECT_TOKEN: env.INDIGO_PROJECT_TOKEN?.trim() || 'demo-project',
    INDIGO_API_BASE: `${publicOrigin}${MOCK_PREFIX}`,
  });
  // In-process fetch: no loopback hop between the relay and its mock. Feedback the relay
  // The mock keeps the demo's convenience: no RELAY_SECRET needed (a random one, warned).
  // stores is told to the mock too, so its GraphQL and Analytics show it like the platform.
  return {
    ...build(
      { ...config, fetch: fetchMock, allowRandomSecret: true },
      { projectId: mock.projectId, fetch: fetchMock, onStored: (sender, detail) => mock.recordFeedback(sender, detail) },
    ),
    mock: fetchMock,
  };
}

function consoleLog(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void {
  const line = fields && Object.keys(fields).length > 0 ? `${message} ${JSON.stringify(fields)}` : message;
  (level === 'error' ? console.error : level === 'warn' ? console.warn : console.log)(line);
}

/**
 * For Vite's dev server: the relay (and the mock platform, without INDIGO_PAT) as one
 * middleware. The mock's media URLs need the public origin, known at the first request.
 */
export async function createDevMiddleware(options: { env?: Env; log?: RelayLog } = {}): Promise<RelayMiddleware> {
  const env = options.env ?? process.env;
  const log = options.log ?? consoleLog;
  let mounted: Mounted | undefined;
  return (req, res, next) => {
    mounted ??= mountFromEnv(env, `http://${req.headers.host ?? '127.0.0.1'}`, log);
    if (mounted.mock && within(pathOf(req), MOCK_PREFIX)) {
      serveWebHandler(mounted.mock, req, res, (e) => log('error', 'mock platform failed', { error: e }));
      return;
    }
    mounted.relay(req, res, next);
  };
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  // What an owner's own site (`--static ./public`) also holds; unlisted types go out as
  // application/octet-stream, which a browser downloads instead of showing (a PDF) or
  // refuses to compile (WebAssembly).
  '.htm': 'text/html; charset=utf-8',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
  '.pdf': 'application/pdf',
  '.xml': 'application/xml; charset=utf-8',
  '.wasm': 'application/wasm',
};

const pageHashes = new Map<string, string[]>();

/** `'sha256-…'` of each inline script of an HTML file, cached by path, size and mtime. */
async function pageScriptHashes(file: string, info: Stats): Promise<string[]> {
  const key = `${file}:${info.size}:${info.mtimeMs}`;
  let hashes = pageHashes.get(key);
  if (!hashes) {
    const html = info.size <= 2 * 1024 * 1024 ? await readFile(file, 'utf8') : '';
    hashes = inlineScriptTexts(html).map((t) => `'sha256-${createHash('sha256').update(t, 'utf8').digest('base64')}'`);
    if (pageHashes.size >= 256) pageHashes.clear();
    pageHashes.set(key, hashes);
  }
  return hashes;
}

/**
 * Static files under `root`: no traversal (also through symlinks), index.html for
 * directories, and the security headers (./security-headers.ts) on every file.
 */
export function createStaticHandler(
  root: string,
  csp: CspOptions = {},
): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean> {
  const base = resolve(root);
  const headers = securityHeaders(csp);
  let realBase: Promise<string> | undefined;
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let path: string;
    try {
      path = decodeURIComponent(pathOf(req));
    } catch {
      return false;
    }
    if (path.includes('\0') || path.includes('\\')) return false;
    // Hidden files and folders (.env, .git/, .npmrc) are never served, whatever --static
    // points at; /.well-known/ (security.txt, app links) is the one exception.
    if (path.split('/').some((segment, i) => segment.startsWith('.') && !(i === 1 && segment === '.well-known'))) return false;
    let file = resolve(base, `.${path}`);
    if (file !== base && !file.startsWith(base + sep)) return false;
    try {
      let info = await stat(file);
      if (info.isDirectory()) {
        file = resolve(file, 'index.html');
        info = await stat(file);
        // `/docs` serves docs/index.html only as `/docs/`: otherwise its relative links
        // (`style.css`, `img/a.png`) would resolve against `/` and break.
        const raw = req.url ?? '/';
        const q = raw.indexOf('?');
        // One leading slash: `//host` in a Location would send the browser to another site.
        const asked = `/${(q === -1 ? raw : raw.slice(0, q)).replace(/^\/+/, '')}`;
        if (!asked.endsWith('/') && info.isFile()) {
          res.writeHead(301, { ...headers, location: `${asked}/${q === -1 ? '' : raw.slice(q)}`, 'cache-control': 'no-cache' });
          res.end();
          return true;
        }
      }
      if (!info.isFile()) return false;
      const real = await realpath(file);
      realBase ??= realpath(base);
      const rb = await realBase;
      if (!real.startsWith(rb + sep)) return false;
      // Compression (negotiated, precompressed where built) and caching: static-response.ts.
      const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      const out = await staticResponse(req, real, info, type);
      // A page's own inline scripts (the README's after-load snippet) run by their hash.
      const page = type.startsWith('text/html') ? await pageScriptHashes(real, info) : [];
      const pageHeaders = page.length > 0 ? securityHeaders({ ...csp, scriptHashes: page }) : headers;
      res.writeHead(out.status, { ...pageHeaders, ...out.headers });
      if (req.method === 'HEAD' || out.body) {
        res.end(req.method === 'HEAD' ? undefined : out.body);
        return true;
      }
      // pipeline, not pipe: a client that goes away (video players abandon range requests
      // all the time) destroys the read stream too, so the file is closed; a read error
      // ends the response. Either way the error is settled here.
      pipeline(createReadStream(real, out.range ?? {}), res, () => {});
      return true;
    } catch {
      return false;
    }
  };
}

export interface RelayServerOptions {
  port?: number;
  host?: string;
  staticDir?: string;
  env?: Env;
  log?: RelayLog;
  /** Options for the built-in mock platform (used only without INDIGO_PAT), e.g. `{ realtime: false }` in tests. */
  mock?: MockPlatformOptions;
}

export interface RelayServer {
  url: string;
  close(): Promise<void>;
  server: http.Server;
  /**
   * Graceful shutdown: /readyz and new requests answer 503, open answers get up to
   * RELAY_DRAIN_MS to finish, the rest end with an error chunk and `processing.end`, then
   * the server closes.
   */
  drain(): Promise<void>;
  /** With RELAY_METRICS_PORT: where /metrics is served. */
  metricsUrl?: string;
}

/** One http server: relay at basePath, mock platform (without INDIGO_PAT), static files. */
export async function startRelayServer(options: RelayServerOptions = {}): Promise<RelayServer> {
  const env = options.env ?? process.env;
  const port = options.port ?? (env.PORT?.trim() ? wholeNumber('PORT', env.PORT, 0, 65535) : 5173);
  const host = options.host ?? (env.HOST?.trim() || '127.0.0.1');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RelayConfigError('port must be a whole number from 0 to 65535.');
  // A mistyped --static would otherwise start fine and answer 404 to every page.
  if (
    options.staticDir &&
    !(await stat(options.staticDir).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    throw new RelayConfigError(`--static: ${resolve(options.staticDir)} is not a directory.`);
  // The relay at / would answer every path, so no static page could ever be reached.
  if (options.staticDir && normalizeBasePath(env.RELAY_BASE_PATH) === '/')
    throw new RelayConfigError('--static needs the relay under a path of its own: with RELAY_BASE_PATH=/ it would answer every page.');
  const serveStatic = options.staticDir ? createStaticHandler(options.staticDir) : null;
  const prod = createProduction(env, options.log);
  const log = prod.log;
  let mounted: Mounted | undefined;

  const notFound = (res: http.ServerResponse) => {
    res.writeHead(404, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(JSON.stringify({ error: { code: 'not_found', message: 'Not found.' } }));
  };

  const server = http.createServer((req, res) => {
    if (prod.serveOps(req, res)) return;
    if (!mounted) return notFound(res);
    const m = mounted;
    if (within(pathOf(req), '/console')) {
      const consoleHandler = m.console;
      if (!consoleHandler) return notFound(res);
      const h = async (request: Request, info?: { ip?: string }) =>
        (await consoleHandler(request, info)) ?? new Response(null, { status: 404 });
      serveWebHandler(h, req, res, (e) => log('error', 'console failed', { error: e }));
      return;
    }
    if (m.mock && within(pathOf(req), MOCK_PREFIX)) {
      serveWebHandler(m.mock, req, res, (e) => log('error', 'mock platform failed', { error: e }));
      return;
    }
    m.relay(req, res, () => {
      if (!serveStatic) return notFound(res);
      serveStatic(req, res).then(
        (served) => {
          if (!served) notFound(res);
        },
        () => notFound(res),
      );
    });
  });
  // Keep-alive sockets and open streams must not keep close() waiting forever.
  try {
    await listenOrExplain(server, port, host, options.port === undefined ? 'PORT' : '--port');
  } catch (error) {
    await prod.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;
  try {
    mounted = mountFromEnv(env, url, log, options.mock, prod);
  } catch (error) {
    server.close();
    await prod.close();
    throw error;
  }
  let metricsUrl: string | undefined;
  try {
    metricsUrl = await prod.listenMetrics(host);
  } catch (error) {
    server.close();
    await prod.close();
    await mounted.close();
    throw error;
  }
  if (!(await prod.storeConnected)) log('warn', 'relay: Redis is not reachable yet; per-process limits until it is');
  log('info', `indigo-chat-relay listening on ${url} (relay at ${normalizeBasePath(env.RELAY_BASE_PATH)})`);
  const close = () =>
    new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    })
      .then(() => prod.close())
      .then(() => mounted?.close());
  return {
    url,
    server,
    close,
    drain: () => prod.drain().then(close),
    ...(metricsUrl ? { metricsUrl } : {}),
  };
}

const USAGE = `Usage: indigo-chat-relay [--port <n>] [--host <addr>] [--static <dir>]

Runs the indigo chat relay (it holds INDIGO_PAT; the browser never sees it).
Without INDIGO_PAT it serves the built-in mock platform, for demos and tests.

  --port <n>      port (default: $PORT or 5173; 0 picks a free one)
  --host <addr>   interface (default: $HOST or 127.0.0.1)
  --static <dir>  also serve the files in <dir> at /
  --help          show this help

Environment (each one: RELAY.md in the package's dist/, src/relay/README.md in the
repository, Configuration):
  platform    INDIGO_API_BASE, INDIGO_PROJECT_TOKEN, INDIGO_PAT, RELAY_UPSTREAM_CLIENT;
              RELAY_UPSTREAM=botpress|chat-messages: BOTPRESS_* or CHAT_MESSAGES_*
              (without a token, a built-in mock of that platform); MOCK_REALTIME,
              MOCK_SEED (the built-in mocks)
  security    RELAY_SECRET, ALLOWED_ORIGINS, RELAY_MEDIA_ORIGINS, RELAY_SELF_ORIGIN,
              RELAY_TRUST_PROXY
  relay       RELAY_BASE_PATH, RELAY_SOURCE, RELAY_DELTA_UNIT and RELAY_* limits and
              timeouts
  operations  PORT, HOST, REDIS_URL, RELAY_REDIS_PREFIX, RELAY_METRICS,
              RELAY_METRICS_PORT, RELAY_DRAIN_MS, LOG_LEVEL
  feedback    RELAY_DATA_DIR, RELAY_FEEDBACK_DAYS, FEEDBACK_WEBHOOK_URL,
              FEEDBACK_WEBHOOK_SECRET (required with the URL; not a RELAY_SECRET)
  console     RELAY_CONSOLE_TOKEN, INDIGO_PROJECT_ID, INDIGO_ANALYTICS_PATHS`;

/** The CLI. Returns the running server (or null after --help). */
export async function main(argv: readonly string[], env: Env = process.env): Promise<RelayServer | null> {
  const options: RelayServerOptions = { env };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value.\n\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        console.log(USAGE);
        return null;
      case '--port': {
        // Digits only, as PORT: Number() read ' ' as 0 (a random port) and 0x50 as 80.
        options.port = wholeNumber('--port', value(), 0, 65535);
        break;
      }
      case '--host':
        options.host = value();
        break;
      case '--static':
        options.staticDir = value();
        break;
      default:
        throw new Error(`Unknown option ${arg}.\n\n${USAGE}`);
    }
  }
  const server = await startRelayServer(options);
  console.log(`indigo-chat-relay: ${server.url}`);
  let stopping = false;
  const stop = () => {
    // A second signal while draining: stop now.
    if (stopping) process.exit(1);
    stopping = true;
    server.drain().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return server;
}

export { createRelay, relayConfigFromEnv };
export { createRedisStore, type RedisStoreOptions, type RedisClient } from './redis-store.js';
export { createRelayMetrics, type RelayMetrics } from './ops.js';
export type { RelayConfig, RelayHandler, RelayLog };
