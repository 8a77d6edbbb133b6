/**
 * The owner console at `/console/` (off unless RELAY_CONSOLE_TOKEN is set: every path is a
 * 404 then). A web-standard handler like the relay's: Node mounts it in front of the
 * relay; it returns null for paths that are not its own.
 *
 * It reads the platform with the relay's PAT through graphql-client.ts and
 * analytics-client.ts; the browser only ever sees the console's own JSON, never the PAT.
 */
import { ANALYTICS_ENDPOINTS, DAY_MS, parseDay, type AnalyticsEndpoint, type AnalyticsRow } from '../../core/platform/analytics.js';
import { createMemoryStore, forwardedClient, ipKey, limitWindow, publicOrigin } from '../store.js';
import { readCapped } from '../read-capped.js';
import type { FeedbackService } from '../feedback/route.js';
import type { RelayFigures } from '../figures.js';
import { AnalyticsError, type AnalyticsClient } from './analytics-client.js';
import { createConsoleAuth } from './auth.js';
import { toCsv, toJsonl, toRows } from './export.js';
import {
  CONVERSATIONS_QUERY,
  CONVERSATIONS_SEED_QUERY,
  GraphqlError,
  MESSAGES_QUERY,
  type GraphqlClient,
  type MessageNode,
} from './graphql-client.js';
import { appPage, CONSOLE_CSP, CONSOLE_CSS, FAVICON_SVG, loginPage } from './pages.js';

export interface ConsoleOptions {
  token: string;
  projectId: string;
  graphql: GraphqlClient;
  analytics: AnalyticsClient;
  feedback: FeedbackService;
  figures: RelayFigures;
  /** Built browser assets (console.js); null when absent. */
  readAsset(name: string): Promise<{ body: Uint8Array<ArrayBuffer>; type: string } | null>;
  /** The console's public origin (RELAY_SELF_ORIGIN); default the request's. */
  selfOrigin?: string;
  /**
   * Proxies in front (RELAY_TRUST_PROXY, a hop count): without selfOrigin the public origin
   * takes the nearest proxy's X-Forwarded-Proto, as the relay's own-origin check does.
   */
  trustProxy?: number;
  now?: () => number;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  /** Page sizes (tests use small ones). */
  pageSize?: number;
}

export type ConsoleHandler = (request: Request, info?: { ip?: string }) => Promise<Response | null>;

export const CONSOLE_BASE = '/console';
const MAX_RANGE_DAYS = 366;
const MAX_EXPORT_MESSAGES = 5000;
const FORM_BYTES = 2048;

const SECURITY_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on the
  // sign-in form's POST, and the CSRF check needs the real origin.
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

function respond(status: number, body: BodyInit | null, type: string, extra: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { ...SECURITY_HEADERS, ...(type ? { 'content-type': type } : {}), ...extra } });
}
const html = (status: number, body: string, extra: Record<string, string> = {}) =>
  respond(status, body, 'text/html; charset=utf-8', { 'content-security-policy': CONSOLE_CSP, ...extra });
const json = (status: number, body: unknown, extra: Record<string, string> = {}) =>
  respond(status, JSON.stringify(body), 'application/json; charset=utf-8', extra);
const apiError = (status: number, code: string, message: string, extra?: Record<string, unknown>) =>
  json(status, { error: { code, message, ...extra } });

function platformError(error: unknown): Response {
  if (error instanceof GraphqlError)
    return apiError(502, `graphql_${error.kind}`, error.message, error.status ? { status: error.status } : {});
  if (error instanceof AnalyticsError)
    return apiError(502, 'analytics_error', error.message, {
      status: error.status,
      ...(error.retryAfter ? { retryAfter: error.retryAfter } : {}),
    });
  return apiError(500, 'internal_error', 'The console failed.');
}

const ID_RE = /^[0-9]{1,20}$/;
const CURSOR_RE = /^[A-Za-z0-9+/=_-]{1,200}$/;

export function createConsoleHandler(options: ConsoleOptions): ConsoleHandler {
  const now = options.now ?? Date.now;
  const pageSize = options.pageSize ?? 20;
  const authFor = new Map<boolean, ReturnType<typeof createConsoleAuth>>();
  const auth = (secure: boolean) => {
    let a = authFor.get(secure);
    if (!a) authFor.set(secure, (a = createConsoleAuth(options.token, { secure, now, path: CONSOLE_BASE })));
    return a;
  };
  // Per process on purpose: sign-in attempts are few; this only slows a guesser down.
  const loginStore = createMemoryStore({ now });

  /** The origin visitors use: RELAY_SELF_ORIGIN, else the request's (behind trusted proxies, as they report it). */
  const consoleOrigin = (request: Request): string =>
    options.selfOrigin?.replace(/\/+$/, '') ?? publicOrigin(request, options.trustProxy ?? 0);
  const sameOrigin = (request: Request): boolean => {
    const expected = consoleOrigin(request);
    const origin = request.headers.get('origin');
    if (origin && origin !== 'null') return origin === expected;
    return request.headers.get('sec-fetch-site') === 'same-origin';
  };

  const isForm = (request: Request): boolean =>
    (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
  /** The sign-in / sign-out form, read up to FORM_BYTES (anyone can send one: never the whole body). */
  const readForm = async (request: Request): Promise<URLSearchParams | null> => {
    const bytes = await readCapped(request.body, FORM_BYTES);
    return bytes === 'too-large' ? null : new URLSearchParams(new TextDecoder().decode(bytes));
  };

  const analytics = async (url: URL): Promise<Response> => {
    const from = url.searchParams.get('from');
    const to = url.searchParams.get('to');
    const start = parseDay(from);
    const end = parseDay(to);
    if (start === null || end === null || end <= start || (end - start) / DAY_MS > MAX_RANGE_DAYS)
      return apiError(400, 'invalid_range', `Give from and to (YYYY-MM-DD, to exclusive), at most ${MAX_RANGE_DAYS} days.`);
    const series: Partial<Record<AnalyticsEndpoint, AnalyticsRow[]>> = {};
    const errors: Partial<Record<AnalyticsEndpoint, { status: number; message: string; retryAfter?: number }>> = {};
    await Promise.all(
      ANALYTICS_ENDPOINTS.map(async (e) => {
        try {
          series[e] = await options.analytics.daily(e, from as string, to as string);
        } catch (error) {
          errors[e] =
            error instanceof AnalyticsError
              ? { status: error.status, message: error.message, ...(error.retryAfter ? { retryAfter: error.retryAfter } : {}) }
              : { status: 0, message: 'The analytics request failed.' };
        }
      }),
    );
    return json(200, { from, to, series, errors });
  };

  const messagesPage = (id: string, before: string | null, last = pageSize) =>
    options.graphql.request(MESSAGES_QUERY, { conversationId: id, before, last });

  /**
   * A conversation's messages, newest `max` at most (MAX_EXPORT_MESSAGES for one export in
   * all), and whether older ones were left out.
   */
  const allMessages = async (id: string, max = MAX_EXPORT_MESSAGES): Promise<{ nodes: MessageNode[]; cut: boolean }> => {
    const out: MessageNode[] = [];
    const ids = new Set<string>();
    const cursors = new Set<string>();
    let before: string | null = null;
    let more = false;
    while (out.length < max) {
      const page = await messagesPage(id, before, 100);
      const fresh = page.messages.edges.map((e) => e.node).filter((m) => !ids.has(m.id) && ids.add(m.id));
      out.push(...fresh);
      const next = page.messages.pageInfo.endCursor;
      // A platform that gives the same cursor (or the same messages) again would be paged
      // until the cap, the file full of copies: what it gave once is the whole.
      more = page.messages.pageInfo.hasNextPage && !!next && !cursors.has(next) && fresh.length > 0;
      if (!more) break;
      cursors.add(next!);
      before = next;
    }
    return { nodes: out.slice(0, max).reverse(), cut: more || out.length > max }; // chronological in a file
  };

  /**
   * The file. One cut at MAX_EXPORT_MESSAGES (the newest kept) says so in its name (`-newest-5000-messages`)
   * and in `x-export-truncated`: a spreadsheet has no place for a marker row.
   */
  const download = (format: string | null, name: string, nodes: MessageNode[], cut: boolean): Response => {
    const rows = toRows(nodes);
    const file = cut ? `${name}-newest-${MAX_EXPORT_MESSAGES}-messages` : name;
    const headers: Record<string, string> = cut ? { 'x-export-truncated': String(MAX_EXPORT_MESSAGES) } : {};
    if (format === 'csv')
      return respond(200, toCsv(rows), 'text/csv; charset=utf-8', {
        'content-disposition': `attachment; filename="${file}.csv"`,
        ...headers,
      });
    return respond(200, toJsonl(rows), 'application/x-ndjson; charset=utf-8', {
      'content-disposition': `attachment; filename="${file}.jsonl"`,
      ...headers,
    });
  };

  /**
   * A page of conversations, dated (`insertedAt`) until the platform says a conversation has
   * no such field: the seed's query asks for `conversationId` only, and a field the schema
   * lacks fails the whole query. Then the seed's query, for the rest of the process.
   */
  let dated = true;
  const conversationsPage = async (after: string | null) => {
    const vars = { projectId: options.projectId, order: 'DESC' as const, cursor: after, first: pageSize };
    if (dated) {
      try {
        return await options.graphql.request(CONVERSATIONS_QUERY, vars);
      } catch (e) {
        // Only the schema's refusal (graphql-js: `Cannot query field "insertedAt" on type
        // "Conversation"`), not an error about one row's value.
        if (!(e instanceof GraphqlError && e.messages.some((m) => /cannot query field "?insertedAt/i.test(m)))) throw e;
        dated = false;
      }
    }
    return options.graphql.request(CONVERSATIONS_SEED_QUERY, vars);
  };

  const api = async (path: string, url: URL): Promise<Response> => {
    const q = url.searchParams;
    // A cursor that is there but malformed is an error, not the first page (an "export
    // this page" would quietly download another one); past this check a cursor is valid.
    for (const name of ['after', 'before']) {
      const v = q.get(name);
      if (v && !CURSOR_RE.test(v)) return apiError(400, 'invalid_cursor', `The ${name} cursor is not valid.`);
    }
    const cursor = (name: string) => q.get(name) || null;
    if (path === '/analytics') return analytics(url);
    if (path === '/relay') {
      const since = now() - options.feedback.retentionDays * DAY_MS;
      return json(200, {
        figures: options.figures.snapshot(),
        feedback: await options.feedback.store.summary(since),
        retentionDays: options.feedback.retentionDays,
      });
    }
    if (path === '/conversations') return json(200, (await conversationsPage(cursor('after'))).conversations);
    if (path === '/conversations/export') {
      const format = q.get('format');
      const r = await conversationsPage(cursor('after'));
      const nodes: MessageNode[] = [];
      let cut = false;
      // MAX_EXPORT_MESSAGES for the whole file, not per conversation (a page of 20 long ones
      // was 20 times that, and as many platform requests).
      for (const e of r.conversations.edges) {
        if (nodes.length >= MAX_EXPORT_MESSAGES) {
          cut = true;
          break;
        }
        const got = await allMessages(e.node.conversationId, MAX_EXPORT_MESSAGES - nodes.length);
        nodes.push(...got.nodes);
        cut ||= got.cut;
      }
      return download(format, 'conversations', nodes, cut);
    }
    const m = /^\/conversations\/([^/]+)\/(messages|export)$/.exec(path);
    if (m && ID_RE.test(m[1] ?? '')) {
      const id = m[1] as string;
      if (m[2] === 'messages') return json(200, (await messagesPage(id, cursor('before'))).messages);
      const got = await allMessages(id);
      return download(q.get('format'), `conversation-${id}`, got.nodes, got.cut);
    }
    return apiError(404, 'not_found', 'No such console route.');
  };

  return async (request, info) => {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path !== CONSOLE_BASE && !path.startsWith(`${CONSOLE_BASE}/`)) return null;
    if (!options.token) return apiError(404, 'not_found', 'Not found.');
    // Behind a proxy that terminates TLS the request reaches us as http: the public origin
    // (RELAY_SELF_ORIGIN, or the trusted proxy's X-Forwarded-Proto) says whether visitors
    // use https, so the cookie is Secure there.
    const secure = consoleOrigin(request).startsWith('https:');
    const a = auth(secure);
    const rest = path.slice(CONSOLE_BASE.length);
    try {
      if (rest === '') return respond(308, null, '', { location: `${CONSOLE_BASE}/` });
      if (request.method === 'GET' && rest === '/assets/console.css')
        return respond(200, CONSOLE_CSS, 'text/css; charset=utf-8', { 'cache-control': 'no-cache' });
      if (request.method === 'GET' && rest === '/assets/favicon.svg')
        return respond(200, FAVICON_SVG, 'image/svg+xml', { 'cache-control': 'max-age=86400' });
      if (request.method === 'GET' && rest.startsWith('/assets/')) {
        const name = rest.slice('/assets/'.length);
        const asset = /^[A-Za-z0-9._-]+$/.test(name) ? await options.readAsset(name) : null;
        return asset ? respond(200, asset.body, asset.type, { 'cache-control': 'no-cache' }) : apiError(404, 'not_found', 'No such asset.');
      }
      if (request.method === 'POST' && (rest === '/login' || rest === '/logout')) {
        if (!sameOrigin(request)) return apiError(403, 'cross_origin', 'Cross-site request refused.');
        if (!isForm(request)) return apiError(415, 'unsupported_media_type', 'Send a form.');
        // The visitor's address as the relay's own limits see it (behind RELAY_TRUST_PROXY
        // proxies, the X-Forwarded-For entry they wrote), counted before the body is read.
        const client = forwardedClient(request.headers.get('x-forwarded-for'), info?.ip, options.trustProxy ?? 0) ?? 'unknown';
        if (rest === '/login') {
          const rate = await limitWindow(loginStore, `login:${ipKey(client)}`, 10, 60_000);
          if (!rate.ok)
            return html(429, loginPage(CONSOLE_BASE, 'Too many attempts; wait a minute.'), { 'retry-after': String(rate.retryAfter) });
        }
        const form = await readForm(request);
        if (!form) return apiError(413, 'too_large', `The form is over ${FORM_BYTES} bytes.`);
        if (rest === '/login') {
          if (!(await a.checkToken(form.get('token') ?? ''))) {
            options.log?.('warn', 'console: failed sign-in', { ip: client });
            return html(401, loginPage(CONSOLE_BASE, 'That token is not right.'));
          }
          const { cookie } = await a.issue();
          return respond(303, null, '', { location: `${CONSOLE_BASE}/`, 'set-cookie': cookie });
        }
        const nonce = await a.session(request.headers.get('cookie'));
        // Without a session (expired: a console left open overnight) it is already signed
        // out: the sign-in page, the cookie cleared. Same-origin only (checked above).
        if (nonce && !(await a.checkCsrf(nonce, form.get('csrf')))) return apiError(403, 'csrf', 'Missing or wrong CSRF token.');
        return respond(303, null, '', { location: `${CONSOLE_BASE}/`, 'set-cookie': a.clearCookie() });
      }
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return apiError(405, 'method_not_allowed', 'Method not allowed.', { allow: 'GET' });
      const nonce = await a.session(request.headers.get('cookie'));
      if (rest === '/' || rest === '/index.html')
        return nonce ? html(200, appPage(CONSOLE_BASE, await a.csrfToken(nonce))) : html(200, loginPage(CONSOLE_BASE));
      if (rest.startsWith('/api/')) {
        if (!nonce) return apiError(401, 'unauthenticated', 'Sign in first.');
        // A cross-site page cannot read these (SameSite=Strict, no CORS, CORP same-origin).
        // Nor may the console's own pages load them as media: an <img> in a bot's answer
        // shown in a transcript would run an export with the PAT at every view. The console's
        // own reads are fetches (`empty`), its downloads navigations (`document`).
        const dest = request.headers.get('sec-fetch-dest');
        if (dest && dest !== 'empty' && dest !== 'document')
          return apiError(403, 'not_a_fetch', 'The console API answers the console, not embedded content.');
        return await api(rest.slice('/api'.length), url);
      }
      return apiError(404, 'not_found', 'No such console page.');
    } catch (error) {
      if (!(error instanceof GraphqlError) && !(error instanceof AnalyticsError))
        options.log?.('error', 'console: internal error', { error: error instanceof Error ? error.message : String(error) });
      return platformError(error);
    }
  };
}
