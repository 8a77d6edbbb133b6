import type { DeltaUnit } from '../core/delta/types.js';
import type { OutgoingData } from '../core/protocol/types.js';
import { createRedactor, redactFields } from './redact.js';
import { createSenderSigner, parseSecrets, randomSecret } from './sender.js';
import { createMemoryStore, forwardedClient, ipKey, limitBucket, limitWindow, publicOrigin, type RelayStore } from './store.js';
import { AnswerPipe, SourceStart, answerResponse, pushSourceOf, type UpstreamState } from './stream.js';
import { validateSendBody } from './validate.js';
import { RelayConfigError } from './config-error.js';
import { indigoUpstream, patToken } from './upstreams/indigo.js';
import { isRefusal, type UpstreamAnswer, type UpstreamSpec } from './upstreams/types.js';
import { retryAfterMs } from './upstreams/polling.js';

export { RelayConfigError, patToken };
import { createFeedbackService, type FeedbackConfig, type FeedbackService } from './feedback/route.js';
import { RelayFigures } from './figures.js';
import { createGenerationWatch } from './generation-watch.js';
import { readCapped as readBody } from './read-capped.js';

/**
 * The relay as one web-standard `fetch(Request): Response` handler. No `node:` imports
 * here or below: the same code runs on Node, Cloudflare Workers, Deno and Bun.
 */

export interface RelayLimits {
  bodyBytes: number;
  textChars: number;
  profileKeys: number;
  replyBytes: number;
  firstByteMs: number;
  idleMs: number;
  totalMs: number;
  heartbeatMs: number;
  /** Per-IP token bucket for messages: refill per minute, and its burst (default: one minute's worth). */
  perIpPerMinute: number;
  perIpBurst: number;
  perSenderPerMinute: number;
  /** Per-IP token bucket for new conversations: refill per hour, and its burst (default: one hour's worth). */
  sessionsPerIpPerHour: number;
  sessionsPerIpBurst: number;
}

/** The relay's limits and timeouts when not configured (the `RELAY_*` variables). */
export const DEFAULT_RELAY_LIMITS: Readonly<RelayLimits> = Object.freeze({
  bodyBytes: 16384,
  textChars: 4000,
  profileKeys: 32,
  replyBytes: 5_000_000,
  firstByteMs: 20_000,
  idleMs: 45_000,
  totalMs: 180_000,
  heartbeatMs: 15_000,
  // Sized for hundreds of visitors behind one office or carrier-grade NAT address: per
  // sender is the main defence, per IP only stops one client minting ids in bulk.
  perIpPerMinute: 600,
  perIpBurst: 600,
  perSenderPerMinute: 30,
  sessionsPerIpPerHour: 1000,
  sessionsPerIpBurst: 1000,
});

/** @deprecated Renamed `DEFAULT_RELAY_LIMITS` (the core has transcript limits too). */
export const DEFAULT_LIMITS = DEFAULT_RELAY_LIMITS;

export type RelayLog = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface RelayConfig {
  /**
   * The platform adapter (`indigoUpstream`, `botpressUpstream`, `chatMessagesUpstream` or
   * your own). Absent: the indigo.ai Chat API from `apiBase`, `projectToken` and `pat`.
   */
  upstream?: UpstreamSpec;
  /** indigo.ai only (when `upstream` is absent): e.g. https://platform.indigo.ai (a trailing slash is fine). */
  apiBase?: string;
  /** indigo.ai only (when `upstream` is absent). */
  projectToken?: string;
  /** indigo.ai only (when `upstream` is absent): the value after `pat-`; one already starting with `pat-` is used as is. */
  pat?: string;
  /** indigo.ai only: default `web`. */
  source?: string;
  /**
   * The unit of the platform's generation deltas, as the widget's `delta-unit` (default
   * `grapheme`): the console's count of degraded generations applies them alike.
   */
  deltaUnit?: DeltaUnit;
  /**
   * HMAC key(s) for sender ids: a string (a comma-separated list is split) or a list. The
   * first signs, all verify (rotation). Absent: the relay refuses to start, unless
   * `allowRandomSecret` (the mock platform's demos) accepts a random one per process.
   */
  secret?: string | readonly string[];
  /** Without `secret`, use a random per-process one (with a warning) instead of refusing. */
  allowRandomSecret?: boolean;
  /**
   * Origins the platform serves bot media from, announced to the widget in the `/session`
   * answer (`mediaOrigins`) so images in bot HTML from there load without a click.
   * Default: the origin of `apiBase` (indigo.ai's storage); none for other upstreams.
   * `[]` announces none.
   */
  mediaOrigins?: readonly string[];
  /** Exact-match origins. The relay's own origin (selfOrigin) is always allowed. */
  allowedOrigins?: readonly string[];
  /** The relay's own origin. Absent: the origin of the request URL (its Host). */
  selfOrigin?: string;
  /** Default `/api/chat`. */
  basePath?: string;
  limits?: Partial<RelayLimits>;
  /** Upstream fetch (default globalThis.fetch); the Node server injects the mock platform here. */
  fetch?: (req: Request) => Promise<Response>;
  log?: RelayLog;
  /** Clock for rate-limit windows. */
  now?: () => number;
  /**
   * Proxies in front of the relay (RELAY_TRUST_PROXY): the client IP is the `x-forwarded-for`
   * entry this many from the right. `true` means 1; absent, 0 or false ignores the header.
   */
  trustProxy?: boolean | number;
  /** Where the rate-limit counters live (default: this process's memory, bounded). */
  store?: RelayStore;
  /** When it aborts (graceful shutdown), open answers end with an error chunk and `processing.end`. */
  shutdownSignal?: AbortSignal;
  /** `POST {basePath}/feedback`: store, webhook, retention (feedback/route.ts). */
  feedback?: FeedbackConfig;
  /** Where reply outcomes and first-chunk times are counted (the console shows them). */
  figures?: RelayFigures;
}

/** Per-request hooks for logs and metrics (see observe.ts); every one optional. */
export interface RequestObserver {
  rateLimited?(scope: 'ip' | 'sender' | 'session'): void;
  upstreamStarted?(): void;
  upstreamFirstByte?(): void;
  streamFinished?(outcome: string): void;
  /** Seconds from upstream bytes received to their SSE handed to the browser's connection, per write. */
  chunkForwarded?(seconds: number): void;
}

export interface RelayRequestInfo {
  ip?: string;
  observer?: RequestObserver;
  /**
   * A runtime that ends a request's work with its response (a Cloudflare Worker's
   * `ctx.waitUntil`): the feedback webhook's deliveries are handed to it, and requests (at
   * most one a second) also deliver what is due for retry, since such a runtime has no
   * timer between requests.
   */
  waitUntil?: (work: Promise<unknown>) => void;
}

export type RelayHandler = (request: Request, info?: RelayRequestInfo) => Promise<Response>;

/** What createRelay returns: a RelayHandler that also says where it is mounted. */
export type MountedRelayHandler = RelayHandler & {
  readonly basePath: string;
  readonly feedback: FeedbackService;
  readonly figures: RelayFigures;
};

/** The one line the relay refuses to start with when it has real credentials and no secret. */
export const MISSING_SECRET =
  "RELAY_SECRET is not set: refusing to start, because a random per-process secret would break every visitor's conversation on each restart and across instances (set RELAY_SECRET to 32+ random characters; a comma list rotates: the first signs, all verify).";

const JSON_TYPE = 'application/json; charset=utf-8';

function defaultLog(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void {
  const line = fields && Object.keys(fields).length > 0 ? `${message} ${JSON.stringify(fields)}` : message;
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

export function normalizeBasePath(path: string | undefined): string {
  const p = (path ?? '/api/chat').trim();
  const withSlash = p.startsWith('/') ? p : `/${p}`;
  return withSlash.length > 1 ? withSlash.replace(/\/+$/, '') : withSlash;
}

/**
 * The media origins `/session` announces: the configured ones, or by default the origin of
 * the indigo.ai API base (the platform stores uploaded media there). Exact origins only.
 */
function announcedMediaOrigins(config: RelayConfig): string[] {
  const out: string[] = [];
  for (const value of config.mediaOrigins ?? (config.upstream || !config.apiBase ? [] : [config.apiBase])) {
    const origin = mediaOriginOf(value); // not an http(s) URL: dropped
    if (origin !== null && !out.includes(origin)) out.push(origin);
  }
  return out;
}

/** The http(s) origin of a media-origin entry (a URL with a path counts as its origin), or null. */
export function mediaOriginOf(value: string): string | null {
  try {
    const origin = new URL(value).origin;
    return /^https?:\/\//.test(origin) ? origin : null;
  } catch {
    return null;
  }
}

function positive(n: unknown, fallback: number): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : fallback;
}

/** Settles with the promise, or rejects when the signal aborts (for fetches that ignore it). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        // A response that lands after the abort is dropped unread.
        if (signal.aborted) (value as { body?: ReadableStream | null } | undefined)?.body?.cancel().catch(() => {});
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export function createRelay(config: RelayConfig): MountedRelayHandler {
  const upstreamSpec =
    config.upstream ??
    indigoUpstream({
      apiBase: config.apiBase ?? '',
      projectToken: config.projectToken ?? '',
      pat: config.pat ?? '',
      source: config.source ?? 'web',
    });

  const limits: RelayLimits = { ...DEFAULT_RELAY_LIMITS };
  for (const key of Object.keys(DEFAULT_RELAY_LIMITS) as (keyof RelayLimits)[]) {
    limits[key] = positive(config.limits?.[key], DEFAULT_RELAY_LIMITS[key]);
  }
  // A raised text limit raises the default body cap with it: a text that long in any script
  // (JSON.stringify writes at most 4 bytes a character but for control characters) fits,
  // with 384 bytes for the rest of the body (sender, keys: ~130). The default text limit
  // keeps security.md's 16 KB exactly (4,000 x 4 + 384 = 16,384).
  if (config.limits?.bodyBytes === undefined) limits.bodyBytes = Math.max(limits.bodyBytes, limits.textChars * 4 + 384);
  if (!config.limits?.perIpBurst) limits.perIpBurst = limits.perIpPerMinute;
  if (!config.limits?.sessionsPerIpBurst) limits.sessionsPerIpBurst = limits.sessionsPerIpPerHour;
  const secrets = upstreamSpec.secrets.filter((s) => s.length > 0);
  const redact = createRedactor(secrets);
  const sink = config.log ?? defaultLog;
  const log: RelayLog = (level, message, fields) => {
    try {
      sink(level, redact(message), fields ? (redactFields(fields, redact) as Record<string, unknown>) : undefined);
    } catch {
      // A broken logger must not break the relay.
    }
  };
  const secretList = parseSecrets(config.secret);
  // Works, but a short or guessable key lets anyone mint sender ids: said once, at start.
  if (secretList.some((secret) => secret.length < 32))
    log(
      'warn',
      'relay: RELAY_SECRET is shorter than 32 characters, so sender ids are easier to forge; use 32+ random characters (openssl rand -base64 32)',
    );
  if (secretList.length === 0) {
    if (!config.allowRandomSecret) throw new RelayConfigError(MISSING_SECRET);
    secretList.push(randomSecret());
    log('warn', 'relay: RELAY_SECRET is not set; using a random one, so sender ids stop working on restart and differ between instances');
  }
  const signer = createSenderSigner(secretList);
  const mediaOrigins = announcedMediaOrigins(config);
  // What a visitor may type: the relay's limit, or the platform's when lower.
  const maxTextChars = Math.min(limits.textChars, upstreamSpec.maxTextChars ?? Infinity);
  const now = config.now ?? Date.now;
  // Redirects are not followed (as node-upstream.ts): a 3xx would carry the visitor's message to another host.
  const upstreamFetch = config.fetch ?? ((req: Request) => globalThis.fetch(req, { redirect: 'manual' }));
  const basePath = normalizeBasePath(config.basePath);
  const sessionPath = basePath === '/' ? '/session' : `${basePath}/session`;
  const platform = upstreamSpec.create({ fetch: upstreamFetch, log });
  const feedbackPath = basePath === '/' ? '/feedback' : `${basePath}/feedback`;
  const figures = config.figures ?? new RelayFigures();
  /** Error codes of the responses errorResponse built, for the figures. */
  const errorCodes = new WeakMap<Response, string>();
  const allowed = new Set(config.allowedOrigins ?? []);
  if (config.selfOrigin) allowed.add(config.selfOrigin.replace(/\/+$/, ''));
  const store = config.store ?? createMemoryStore({ now });
  const trustHops = config.trustProxy === true ? 1 : typeof config.trustProxy === 'number' ? config.trustProxy : 0;

  const originAllowed = (origin: string | null, request: Request): origin is string => {
    if (!origin || origin === 'null') return false;
    if (allowed.has(origin)) return true;
    if (config.selfOrigin) return false;
    try {
      // Behind trusted proxies that terminate TLS the request arrives as http: the scheme the
      // visitor used is the nearest proxy's X-Forwarded-Proto.
      return new URL(request.url).origin === origin || publicOrigin(request, trustHops) === origin;
    } catch {
      return false;
    }
  };

  const corsHeaders = (origin: string | null): Record<string, string> =>
    origin
      ? {
          'access-control-allow-origin': origin,
          'access-control-expose-headers': 'retry-after',
          vary: 'Origin',
        }
      : { vary: 'Origin' };

  const errorResponse = (
    status: number,
    code: string,
    message: string,
    origin: string | null,
    extra: Record<string, string> = {},
  ): Response => {
    const response = new Response(JSON.stringify({ error: { code, message } }), {
      status,
      headers: {
        'content-type': JSON_TYPE,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        ...corsHeaders(origin),
        ...extra,
      },
    });
    errorCodes.set(response, code);
    return response;
  };

  const clientIp = (request: Request, info?: { ip?: string }): string =>
    ipKey(forwardedClient(request.headers.get('x-forwarded-for'), info?.ip, trustHops) || 'unknown');

  /** Reads at most `cap` bytes; never buffers more than cap plus one read. */
  const readCapped = async (request: Request, cap: number): Promise<Uint8Array | 'too-large'> => {
    const declared = Number(request.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > cap) {
      request.body?.cancel().catch(() => {});
      return 'too-large';
    }
    return readBody(request.body, cap);
  };

  const isJsonType = (request: Request) =>
    (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';

  const parseJson = (bytes: Uint8Array): { ok: true; value: unknown } | { ok: false } => {
    try {
      return { ok: true, value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) };
    } catch {
      return { ok: false };
    }
  };

  const preflight = (request: Request, origin: string | null): Response => {
    if (!originAllowed(origin, request)) return errorResponse(403, 'origin_not_allowed', 'This origin may not use the relay.', null);
    const method = request.headers.get('access-control-request-method');
    if (method !== 'POST') return errorResponse(403, 'method_not_allowed', 'Only POST is allowed.', origin);
    return new Response(null, {
      status: 204,
      headers: {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'content-type',
        'access-control-max-age': '600',
        vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      },
    });
  };

  const session = async (request: Request, origin: string, ip: string, obs?: RequestObserver): Promise<Response> => {
    const rate = await limitBucket(store, `session:${ip}`, limits.sessionsPerIpBurst, limits.sessionsPerIpPerHour, 3_600_000);
    if (!rate.ok) obs?.rateLimited?.('session');
    if (!rate.ok)
      return errorResponse(429, 'rate_limited', 'Too many new conversations; try again later.', origin, {
        'retry-after': String(rate.retryAfter),
      });
    const body = await readCapped(request, 1024);
    if (body === 'too-large') return errorResponse(413, 'body_too_large', 'The body must be empty or {}.', origin);
    if (body.byteLength > 0) {
      if (!isJsonType(request)) return errorResponse(415, 'unsupported_media_type', 'Send application/json.', origin);
      if (!parseJson(body).ok) return errorResponse(400, 'invalid_json', 'The body is not valid JSON.', origin);
    }
    const sender = await signer.issue(origin);
    // The composer's limit follows RELAY_MAX_TEXT_CHARS (docs/protocol.md, POST /session).
    return new Response(JSON.stringify({ sender, mediaOrigins, maxTextChars }), {
      status: 200,
      headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...corsHeaders(origin) },
    });
  };

  const send = async (request: Request, origin: string, ip: string, obs?: RequestObserver): Promise<Response> => {
    const ipRate = await limitBucket(store, `ip:${ip}`, limits.perIpBurst, limits.perIpPerMinute, 60_000);
    if (!ipRate.ok) obs?.rateLimited?.('ip');
    if (!ipRate.ok)
      return errorResponse(429, 'rate_limited', 'Too many messages; slow down.', origin, { 'retry-after': String(ipRate.retryAfter) });
    if (!isJsonType(request)) return errorResponse(415, 'unsupported_media_type', 'Send application/json.', origin);
    const bytes = await readCapped(request, limits.bodyBytes);
    if (bytes === 'too-large') return errorResponse(413, 'body_too_large', `The body must be at most ${limits.bodyBytes} bytes.`, origin);
    const parsed = parseJson(bytes);
    if (!parsed.ok) return errorResponse(400, 'invalid_json', 'The body is not valid JSON.', origin);
    const valid = validateSendBody(parsed.value, limits);
    if (!valid.ok) return errorResponse(400, 'invalid_request', valid.message, origin);
    if (!(await signer.verify(valid.sender, origin)))
      return errorResponse(403, 'invalid_sender', 'Unknown sender; start a new conversation.', origin);
    // Keyed by the signature half: unique per sender, and not the bearer id itself.
    const senderRate = await limitWindow(store, `sender:${valid.sender.slice(23, 45)}`, limits.perSenderPerMinute, 60_000);
    if (!senderRate.ok) obs?.rateLimited?.('sender');
    if (!senderRate.ok)
      return errorResponse(429, 'rate_limited', 'Too many messages in this conversation; slow down.', origin, {
        'retry-after': String(senderRate.retryAfter),
      });
    return forward(request, origin, valid.sender, valid.data, obs, valid.stopped);
  };

  const forward = async (
    request: Request,
    origin: string,
    sender: string,
    data: OutgoingData,
    obs?: RequestObserver,
    stopped = false,
  ): Promise<Response> => {
    const upstreamAbort = new AbortController();
    let upstreamBody: SourceStart | undefined;
    let pipe: AnswerPipe | undefined;
    const abortUpstream = () => {
      if (!upstreamAbort.signal.aborted) upstreamAbort.abort();
      upstreamBody?.source.cancel();
    };
    // Once the answer streams, the browser leaving ends it as 'cancelled' (and stops the upstream).
    const onClientAbort = () => (pipe ? pipe.cancel() : abortUpstream());
    if (request.signal.aborted) return errorResponse(499, 'client_closed', 'The client went away.', origin);
    request.signal.addEventListener('abort', onClientAbort, { once: true });
    const release = () => request.signal.removeEventListener('abort', onClientAbort);

    const fail = (status: number, code: string, message: string, extra?: Record<string, string>) => {
      release();
      abortUpstream();
      return errorResponse(status, code, message, origin, extra);
    };

    // One deadline for "headers and the first body byte" (firstByteMs).
    const startedAt = Date.now();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abortUpstream();
    }, limits.firstByteMs);
    try {
      let answer: UpstreamAnswer;
      obs?.upstreamStarted?.();
      try {
        answer = await untilAborted(platform.send({ sender, data, stopped, signal: upstreamAbort.signal }), upstreamAbort.signal);
      } catch (error) {
        if (timedOut) return fail(504, 'upstream_timeout', 'The assistant did not answer in time.');
        if (request.signal.aborted) return fail(499, 'client_closed', 'The client went away.');
        log('warn', 'relay: upstream request failed', { error });
        return fail(502, 'upstream_unavailable', 'The assistant is unavailable.');
      }
      if (isRefusal(answer)) return fail(answer.refused.status, answer.refused.code, answer.refused.message);
      const upstream = answer;
      const status = upstream.status;
      if (status < 200 || status > 299) {
        upstream.body?.cancel().catch(() => {});
        log('warn', 'relay: upstream refused the request', { status });
        if (status === 401 || status === 403) return fail(502, 'upstream_auth', 'The relay is not authorised by the platform.');
        if (status === 429) {
          // Seconds or an HTTP date, else the rate-limit reset headers (polling.ts reads them alike).
          const ms = retryAfterMs(upstream.headers, Date.now());
          const retry = ms !== undefined && ms > 0 && ms <= 3_600_000 ? Math.ceil(ms / 1000) : 30;
          return fail(503, 'upstream_rate_limited', 'The assistant is busy; try again shortly.', { 'retry-after': String(retry) });
        }
        if (status === 404) return fail(502, 'upstream_not_found', 'The platform does not know this bot or conversation.');
        if (status === 413) return fail(413, 'message_too_large', 'The message is too large for the assistant.');
        if (status >= 400 && status < 500) return fail(502, 'upstream_rejected', 'The platform rejected the message.');
        return fail(502, 'upstream_unavailable', 'The assistant is unavailable.');
      }
      const contentType = (upstream.headers.get('content-type') ?? '').toLowerCase();
      if (contentType.includes('text/html')) {
        upstream.body?.cancel().catch(() => {});
        log('warn', 'relay: upstream answered with HTML (captive portal or proxy page?)');
        return fail(502, 'upstream_invalid', 'The platform sent an unexpected answer.');
      }
      if (!upstream.body) return fail(502, 'upstream_invalid', 'The platform sent an empty answer.');
      upstreamBody = new SourceStart(pushSourceOf(upstream as Response & { body: ReadableStream<Uint8Array> }));
      // Wait for the first non-empty read within the same deadline, so a stalled platform
      // gets a clean 504 instead of a stream that opens and says nothing.
      const got = await upstreamBody.first(upstreamAbort.signal);
      if (timedOut) return fail(504, 'upstream_timeout', 'The assistant did not answer in time.');
      if (request.signal.aborted) return fail(499, 'client_closed', 'The client went away.');
      if ('end' in got) {
        if (got.end === 'done') return fail(502, 'upstream_invalid', 'The platform sent an empty answer.');
        return fail(502, 'upstream_unavailable', 'The connection to the assistant failed.');
      }
      obs?.upstreamFirstByte?.();
      // An HTML page served with a JSON or stream content type is still not a chat stream.
      const head = new TextDecoder().decode(got.bytes.subarray(0, 64)).trimStart();
      if (head.startsWith('<')) {
        log('warn', 'relay: upstream body looks like HTML');
        return fail(502, 'upstream_invalid', 'The platform sent an unexpected answer.');
      }
      clearTimeout(timer);
      figures.firstChunk(Date.now() - startedAt);
      const state: UpstreamState = { bytes: 0, lastByteAt: Date.now(), failed: false, tooLarge: false };
      pipe = new AnswerPipe(
        {
          state,
          limits,
          abortUpstream,
          log,
          redact,
          secrets,
          onFinish: (outcome) => {
            release();
            obs?.streamFinished?.(outcome);
          },
          ...(config.shutdownSignal ? { shutdownSignal: config.shutdownSignal } : {}),
          onChunk: createGenerationWatch(() => figures.degraded(), config.deltaUnit),
          ...(upstreamSpec.platformChunks ? { platformChunks: true } : {}),
          ...(obs?.chunkForwarded ? { onForwarded: (seconds: number) => obs.chunkForwarded?.(seconds) } : {}),
        },
        upstreamBody,
      );
      return answerResponse(pipe, {
        status: 200,
        headers: {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          'x-accel-buffering': 'no',
          'x-content-type-options': 'nosniff',
          ...corsHeaders(origin),
        },
      });
    } finally {
      clearTimeout(timer);
    }
  };

  // Where nothing runs between requests (a Worker: `waitUntil`), requests drive the webhook's
  // retries: at most one due-items read a second, not one per request (a shared store on
  // the edge is a round trip). A vote's own delivery is handed over by its route.
  let dueCheckedAt = -Infinity;
  const handler: RelayHandler = async (request, info) => {
    let origin: string | null = null;
    if (info?.waitUntil && feedback.webhook && now() - dueCheckedAt >= 1000) {
      dueCheckedAt = now();
      info.waitUntil(feedback.webhook.kick());
    }
    try {
      const url = new URL(request.url);
      const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
      const route = path === basePath ? 'send' : path === sessionPath ? 'session' : path === feedbackPath ? 'feedback' : null;
      if (!route) return errorResponse(404, 'not_found', 'No such relay route.', null);
      const rawOrigin = request.headers.get('origin');
      if (request.method === 'OPTIONS') return preflight(request, rawOrigin);
      if (request.method !== 'POST')
        return errorResponse(405, 'method_not_allowed', 'Only POST is allowed.', originAllowed(rawOrigin, request) ? rawOrigin : null, {
          allow: 'POST, OPTIONS',
        });
      if (!originAllowed(rawOrigin, request)) {
        request.body?.cancel().catch(() => {});
        return errorResponse(403, 'origin_not_allowed', 'This origin may not use the relay.', null);
      }
      origin = rawOrigin;
      const ip = clientIp(request, info);
      if (route === 'feedback') return await feedback.handle(request, origin, ip, info?.waitUntil);
      if (route === 'session') return await session(request, origin, ip, info?.observer);
      const response = await send(request, origin, ip, info?.observer);
      figures.reply(errorCodes.get(response));
      return response;
    } catch (error) {
      // Never forward a stack trace; log it (redacted) instead.
      log('error', 'relay: internal error', {
        error: error instanceof Error ? { message: error.message, stack: error.stack } : String(error),
      });
      return errorResponse(500, 'internal_error', 'The relay failed.', origin);
    }
  };
  const feedback = createFeedbackService(config.feedback ?? {}, {
    verifySender: (sender, origin) => signer.verify(sender, origin),
    readJson: async (request, cap) => {
      const origin = request.headers.get('origin');
      if (!isJsonType(request))
        return { ok: false, response: errorResponse(415, 'unsupported_media_type', 'Send application/json.', origin) };
      const bytes = await readCapped(request, cap);
      if (bytes === 'too-large')
        return { ok: false, response: errorResponse(413, 'body_too_large', `The body must be at most ${cap} bytes.`, origin) };
      const parsed = parseJson(bytes);
      return parsed.ok ? parsed : { ok: false, response: errorResponse(400, 'invalid_json', 'The body is not valid JSON.', origin) };
    },
    error: errorResponse,
    ok: (body, origin) =>
      new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...corsHeaders(origin) },
      }),
    limits,
    limit: (key, max) => limitWindow(store, key, max, 60_000),
    now,
    // Only to refuse a webhook key equal to one: webhooks are signed with FEEDBACK_WEBHOOK_SECRET.
    secret: secretList,
    allowRandomSecret: config.allowRandomSecret === true,
    log,
  });
  return Object.assign(handler, { basePath, feedback, figures });
}
