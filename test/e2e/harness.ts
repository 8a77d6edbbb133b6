// Shared set-up for the end-to-end suite: the real server that `npm start` runs (built
// relay + mock platform + built demo) on 127.0.0.1, and the three engines through
// test/e2e/driver.ts (BROWSERS picks engines).
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll } from 'vitest';
import { launchEngine, type E2EBrowser, type E2EPage, type Engine, type LaunchOptions } from './driver.js';

export { engines, launchEngine, type E2EBrowser, type E2EPage, type Engine } from './driver.js';

/**
 * The engine's browser for the tests of the enclosing `describe`: launched before them,
 * closed after. Call it in the describe body; the getter is for the tests and hooks.
 */
export function useEngineBrowser(engine: Engine): () => E2EBrowser {
  let browser: E2EBrowser | undefined;
  beforeAll(async () => {
    browser = await launchEngine(engine);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error(`${engine} did not start`);
    return browser;
  };
}

const root = resolve(import.meta.dirname, '../..');
const screenshotDir = join(root, 'docs/screenshots');

export interface Running {
  url: string;
  close(): Promise<void>;
  logs: string[];
  /**
   * Every request the server received, in arrival order: the engine-neutral witness of
   * what a browser asked for (method, path, headers such as Sec-Purpose, Referer, Cookie)
   * and of how each answer ended.
   */
  requests: LoggedRequest[];
  /** Answers matching requests itself (`pass()` hands one to the real server). Returns an undo. */
  route(match: RequestMatch, handler: RouteHandler): () => void;
  /** Holds matching requests back until `release()` (or until `until` resolves). */
  hold(match: RequestMatch, until?: Promise<unknown>): { release(): void };
  /**
   * Serves `path` (an HTML page) with `<script src>` of `source` first in its <head>: an
   * engine-neutral init script (same origin, so a `script-src 'self'` CSP allows it).
   */
  injectScript(path: string, source: string): () => void;
  /** Resolves with the first logged request matching, when it arrives. */
  waitForRequest(match: RequestMatch, timeoutMs?: number): Promise<LoggedRequest>;
}

export interface LoggedRequest {
  /** Event order: a request's `seq` and its answer's `doneSeq` share one counter. */
  seq: number;
  method: string;
  /** Path and query. */
  path: string;
  headers: IncomingHttpHeaders;
  status?: number;
  responseHeaders?: OutgoingHttpHeaders;
  /** Set when the answer ended, sent or not. */
  doneSeq?: number;
  /** The client went away before the whole answer was sent (e.g. a fetch aborted). */
  aborted?: boolean;
  /** The answer's body as sent (uncompressed answers only), when `recordBodies` matched. */
  body?: string;
}
export type RequestMatch = (r: LoggedRequest) => boolean;
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, pass: () => void) => void | Promise<void>;

/** An empty page on the demo server's origin (see startDemoServer). */
export const BLANK = '/__e2e/blank.html';

/** Requests the harness makes itself (to rewrite a page) carry this and are not logged. */
const INTERNAL = 'x-e2e-internal';

export async function startDemoServer(
  env: Record<string, string | undefined> = {},
  options: { recordBodies?: (path: string) => boolean } = {},
): Promise<Running> {
  const mod = (await import(pathToFileURL(join(root, 'dist/relay-node.js')).href)) as typeof import('../../src/relay/node.js');
  const logs: string[] = [];
  const server = await mod.startRelayServer({
    port: 0,
    host: '127.0.0.1',
    staticDir: join(root, 'dist/demo'),
    env: { MOCK_REALTIME: '0', ...env },
    log: (level, message, fields) => logs.push(`${level} ${message} ${fields ? JSON.stringify(fields) : ''}`),
  });
  const requests: LoggedRequest[] = [];
  const routes: { match: RequestMatch; handler: RouteHandler }[] = [];
  const waiters = new Set<{ match: RequestMatch; resolve(r: LoggedRequest): void }>();
  let seq = 0;
  // The relay server's own handler runs after the log (and any route), unchanged.
  const real = server.server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.server.removeAllListeners('request');
  server.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const pass = () => {
      for (const l of real) l.call(server.server, req, res);
    };
    if (req.headers[INTERNAL]) return pass();
    const entry: LoggedRequest = { seq: ++seq, method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers };
    requests.push(entry);
    // Headers given to writeHead directly are not in getHeaders(): keep those too.
    let written: OutgoingHttpHeaders = {};
    const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => ServerResponse;
    res.writeHead = (...a: unknown[]) => {
      const h = a.find((x, i) => i > 0 && typeof x === 'object' && x !== null);
      if (Array.isArray(h)) {
        const flat = (h as unknown[]).flat() as string[];
        for (let i = 0; i + 1 < flat.length; i += 2) written[String(flat[i]).toLowerCase()] = flat[i + 1];
      } else if (h) written = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v as string]));
      return writeHead(...a);
    };
    res.on('close', () => {
      entry.doneSeq = ++seq;
      entry.status = res.statusCode;
      entry.responseHeaders = { ...written, ...res.getHeaders() };
      entry.aborted = !res.writableFinished;
    });
    if (options.recordBodies?.(entry.path)) recordBody(res, entry); // its 'close' runs after the one above
    for (const w of [...waiters]) {
      if (w.match(entry)) {
        waiters.delete(w);
        w.resolve(entry);
      }
    }
    const route = routes.find((r) => r.match(entry));
    if (!route) return pass();
    Promise.resolve(route.handler(req, res, pass)).catch((e: unknown) => {
      logs.push(`error e2e route ${String(e)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  const route = (match: RequestMatch, handler: RouteHandler) => {
    const r = { match, handler };
    routes.unshift(r);
    return () => {
      if (routes.includes(r)) routes.splice(routes.indexOf(r), 1);
    };
  };
  // An empty page of the origin (no script, no favicon request): where a test writes storage first.
  route(
    (r) => r.path === BLANK,
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end('<!doctype html><title>blank</title><link rel="icon" href="data:,">');
    },
  );
  let injected = 0;
  const running: Running = {
    url: server.url,
    close: () => server.close(),
    logs,
    requests,
    route,
    hold(match, until) {
      let open!: () => void;
      const released = new Promise<void>((r) => (open = r));
      const undo = route(match, async (_req, _res, pass) => {
        await released;
        pass();
      });
      const release = () => {
        undo();
        open();
      };
      void until?.then(release, release);
      return { release };
    },
    injectScript(path, source) {
      const scriptPath = `/__e2e/init-${++injected}.js`;
      const undoScript = route(
        (r) => r.path === scriptPath,
        (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
          res.end(source);
        },
      );
      const undoPage = route(
        (r) => r.method === 'GET' && r.path === path,
        async (req, res) => {
          // The real answer (headers included: the page's CSP stays), with the script first.
          const original = await fetch(`${server.url}${path}`, {
            headers: { [INTERNAL]: '1', 'accept-encoding': 'identity', cookie: req.headers.cookie ?? '' },
          });
          const html = await original.text();
          const headers: Record<string, string> = {};
          original.headers.forEach((v, k) => {
            if (
              !/^(content-length|content-encoding|etag|last-modified|cache-control|transfer-encoding|connection|keep-alive|date)$/.test(k)
            )
              headers[k] = v;
          });
          res.writeHead(original.status, { ...headers, 'cache-control': 'no-store' });
          res.end(html.replace(/<head[^>]*>/i, (h) => `${h}<script src="${scriptPath}"></script>`));
        },
      );
      return () => {
        undoPage();
        undoScript();
      };
    },
    waitForRequest(match, timeoutMs = 30_000) {
      const seen = requests.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const w = {
          match,
          resolve: (r: LoggedRequest) => {
            clearTimeout(t);
            resolve(r);
          },
        };
        const t = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`no request matching ${match.toString().slice(0, 120)} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
  };
  return running;
}

/** Keeps a copy of the answer's body as the browser reads it (decompressed), as text. */
function recordBody(res: ServerResponse, entry: LoggedRequest): void {
  const chunks: Buffer[] = [];
  const keep = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    chunks.push(
      Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'),
    );
  };
  const write = res.write.bind(res) as (...a: unknown[]) => boolean;
  const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
  res.write = ((...a: unknown[]) => {
    keep(a[0], a[1]);
    return write(...a);
  }) as typeof res.write;
  res.end = ((...a: unknown[]) => {
    keep(a[0], a[1]);
    return end(...a);
  }) as typeof res.end;
  res.on('close', () => {
    const raw = Buffer.concat(chunks);
    const encoding = String(entry.responseHeaders?.['content-encoding'] ?? '');
    try {
      const plain =
        encoding === 'gzip'
          ? gunzipSync(raw)
          : encoding === 'br'
            ? brotliDecompressSync(raw)
            : encoding === 'deflate'
              ? inflateSync(raw)
              : raw;
      entry.body = plain.toString('utf8');
    } catch {
      entry.body = raw.toString('utf8'); // cut short: what there is
    }
  });
}

/** Waits `ms`: only for absence checks ("nothing more happens"), never to let something finish. */
export const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

/**
 * Screenshots for the README, per engine in docs/screenshots/<engine>/<name>.png, written
 * only with UPDATE_SCREENSHOTS=1 so a normal run leaves the git tree clean.
 */
/** Waits until no answer is in flight (no typing, nothing busy) and at least `bots` bot messages show. */
export async function answersSettled(page: E2EPage, bots: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const root = (document.querySelector('indigo-chat') as HTMLElement | null)?.shadowRoot;
      if (!root) return false;
      return (
        !root.querySelector('[part~="typing"]') &&
        root.querySelectorAll('[part~="message-bot"]').length >= n &&
        !root.querySelector('[aria-busy="true"]')
      );
    },
    bots,
    { timeout: 30_000 },
  );
}

export async function screenshot(page: E2EPage, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  await page.screenshot({ path: join(screenshotDir, page.engine, `${name}.png`), fullPage: options.fullPage });
}

/**
 * README screenshots of the flows the README shows from Chromium at
 * docs/screenshots/<name>.png: Chromium's there, the other engines' in
 * docs/screenshots/<engine>/. Written only with UPDATE_SCREENSHOTS=1.
 */
export async function readmeScreenshot(page: E2EPage, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  const dir = page.engine === 'chromium' ? screenshotDir : join(screenshotDir, page.engine);
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: options.fullPage });
}

/**
 * Opens `path` in a page of its own (no cache, cookies or storage shared with other pages,
 * so every file it needs reaches the server's log). `storage` is written first on an empty
 * page of the origin; `init` runs in the page before any of its scripts (served in it).
 * `view()`: what the server received since the page was requested.
 */
export async function openIsolated(
  browser: E2EBrowser,
  server: Running,
  path: string,
  options: { init?: string; storage?: Record<string, string>; viewport?: LaunchOptions['viewport'] } = {},
): Promise<{ page: E2EPage; view: () => LoggedRequest[] }> {
  const page = await browser.newPage({ isolated: true, viewport: options.viewport });
  if (options.storage) {
    await page.goto(`${server.url}${BLANK}`);
    await page.evaluate((items: Record<string, string>) => {
      for (const [k, v] of Object.entries(items)) localStorage.setItem(k, v);
    }, options.storage);
  }
  const undo = options.init ? server.injectScript(path, options.init) : null;
  const from = server.requests.length;
  try {
    await page.goto(`${server.url}${path}`);
  } finally {
    undo?.();
  }
  return { page, view: () => server.requests.slice(from) };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core (WCAG 2.0-2.2 A/AA rules) on the page, shadow roots included. */
export async function axeViolations(page: E2EPage): Promise<{ id: string; help: string; nodes: string[] }[]> {
  await page.evaluate(`(function () { ${axeSource}\n}).call(window), true`);
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; help: string; nodes: { target: unknown }[] }[] }> };
      }
    ).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
}

/** The widget's part selector; the driver's query pierces open shadow roots. */
export const part = (name: string, host = 'indigo-chat') => `${host} [part~="${name}"]`;
