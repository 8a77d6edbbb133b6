/**
 * The widget's only network code: get a sender from the relay, post one visitor action and
 * read its answer as chunks. No DOM, no Lit, so it runs (and is tested) in Node.
 *
 * Nothing here throws for a network, HTTP or stream problem: `streamReply` resolves to an
 * outcome the session controller turns into one reducer event. Only `createSession`
 * rejects (with a TransportError), because it has no transcript to report into.
 */
import { decodeChunks } from '../core/protocol/decode.js';
import { yieldToEventLoop } from '../core/yield.js';
import { parseChunk } from '../core/protocol/parse.js';
import type { Chunk, OutgoingData } from '../core/protocol/types.js';

export interface Timeouts {
  /** No byte of the answer body within this many ms of sending: `timeout`. */
  readonly firstByteMs: number;
  /** No byte for this many ms once the body started (relay pings count): `timeout`. */
  readonly idleMs: number;
}

/**
 * The first byte waits longer than the relay's own 20 s (`RELAY_FIRST_BYTE_TIMEOUT_MS`),
 * which counts from when the relay calls the platform: an answer the platform starts at
 * 19.5 s reaches the visitor, and one later gets the relay's `upstream_timeout`. With the
 * same 20 s the widget gave up first, threw away an answer on its way that the platform
 * had recorded, and a retry asked twice.
 */
export const DEFAULT_TIMEOUTS: Timeouts = { firstByteMs: 25_000, idleMs: 45_000 };

/**
 * The widget's cap on the bytes of one reply on the wire: a runaway-stream guard only.
 * docs/protocol.md's reply cap in the widget is enforced on the reply's content by the
 * reducer (`maxReplyChars`), because generation deltas carry ~50x their content on the
 * wire: a 200 KB answer is ~11 MB of chunks. See docs/decisions/reply-caps.md.
 */
export const MAX_REPLY_BYTES = 16 * 1024 * 1024;

/** Longest run of chunk handling before the transport yields to the event loop. */
export const SLICE_MS = 8;

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export type StreamOutcome =
  /** The body ended (with or without processing.end: the reducer decides). */
  | { readonly kind: 'ended'; readonly chunks: number }
  /** The caller's signal aborted (restart, disconnect). */
  | { readonly kind: 'aborted'; readonly chunks: number }
  | { readonly kind: 'timeout'; readonly chunks: number }
  /** The request failed before any chunk: network, HTTP status, wrong content type. */
  | {
      readonly kind: 'failed';
      readonly chunks: 0;
      readonly code: string;
      readonly message: string;
      readonly status?: number;
      /** Seconds the relay asked to wait before sending again (`Retry-After` on 429/503). */
      readonly retryAfter?: number;
    };

export class TransportError extends Error {
  readonly code: string;
  readonly status: number | undefined;
  constructor(code: string, message: string, status?: number) {
    super(message);
    this.name = 'TransportError';
    this.code = code;
    this.status = status;
  }
}

/**
 * `Retry-After` of a 429 or 503 in seconds (the relay sends whole seconds, at most an hour);
 * undefined for other statuses and for a missing, zero or unreadable header.
 */
export function retryAfterOf(res: Response): number | undefined {
  const value = res.headers.get('retry-after');
  return (res.status === 429 || res.status === 503) && value && /^\s*\d+\s*$/.test(value) && +value > 0
    ? Math.min(+value, 86_400)
    : undefined;
}

/** `{relay}/session`, tolerating a trailing slash on the relay URL. */
export function sessionUrl(relay: string): string {
  return relay.replace(/\/+$/, '') + '/session';
}

const text = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

/** Reads the relay's fixed error shape `{error: {code, message}}`; anything else is ignored. */
async function readRelayError(res: Response): Promise<{ code?: string | undefined; message?: string | undefined }> {
  try {
    if (res.headers.get('content-type')?.includes('json')) {
      const err = ((await res.json()) as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      if (err && typeof err === 'object') return { code: text(err.code), message: text(err.message) };
    }
  } catch {
    // A malformed error body is still an error; the status says enough.
  }
  return {};
}

/** POST JSON to the relay (cookies for same-origin relays only). */
function post(
  fetchImpl: FetchLike | undefined,
  url: string,
  body: string,
  signal: AbortSignal | undefined,
  accept?: string,
): Promise<Response> {
  return (fetchImpl ?? fetch)(url, {
    method: 'POST',
    headers: accept ? { 'content-type': 'application/json', accept } : { 'content-type': 'application/json' },
    body,
    credentials: 'same-origin',
    ...(signal ? { signal } : {}),
  });
}

/** POST `{relay}/session` -> the relay-signed sender id. */
export async function createSession(
  relay: string,
  opts: {
    readonly fetch?: FetchLike;
    readonly signal?: AbortSignal;
    /**
     * What the relay announced with the sender: its media origins (`mediaOrigins`, exact
     * origins only) and its text limit (`maxTextChars`, a whole number of characters, or
     * undefined when it said none).
     */
    readonly onAnnounced?: (origins: readonly string[], maxTextChars: number | undefined) => void;
  } = {},
): Promise<string> {
  let res: Response;
  try {
    res = await post(opts.fetch, sessionUrl(relay), '{}', opts.signal);
  } catch (e) {
    if (opts.signal?.aborted) throw new TransportError('aborted', 'Aborted');
    throw new TransportError('network', e instanceof Error ? e.message : 'Network error');
  }
  if (!res.ok) {
    const err = await readRelayError(res);
    throw new TransportError(err.code ?? `http-${res.status}`, err.message ?? `Session request failed (${res.status})`, res.status);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new TransportError('bad-response', 'The session answer is not JSON', res.status);
  }
  const sender = body && typeof body === 'object' ? (body as { sender?: unknown }).sender : undefined;
  if (typeof sender !== 'string' || sender.length === 0 || sender.length > 512) {
    throw new TransportError('bad-response', 'The session answer has no sender', res.status);
  }
  const { mediaOrigins: media, maxTextChars: max } = body as { mediaOrigins?: unknown; maxTextChars?: unknown };
  const origins: string[] = [];
  if (Array.isArray(media))
    for (const value of media.slice(0, 16)) {
      if (typeof value !== 'string') continue;
      try {
        const origin = new URL(value).origin;
        if (origin === value.replace(/\/+$/, '') && /^https?:\/\//.test(origin)) origins.push(origin);
      } catch {
        // not an origin: ignored
      }
    }
  opts.onAnnounced?.(origins, Number.isSafeInteger(max) && (max as number) > 0 ? (max as number) : undefined);
  return sender;
}

export interface StreamOptions {
  readonly fetch?: FetchLike;
  readonly signal?: AbortSignal;
  readonly timeouts?: Partial<Timeouts>;
  readonly maxTotalBytes?: number;
  /** Called once per parsed chunk, in order. Must not throw (errors are swallowed). */
  readonly onChunk: (chunk: Chunk) => void;
  /** Decoder problems (invalid JSON line, oversize): reported, never fatal. */
  readonly onDecodeError?: (code: string, message: string) => void;
  /** The visitor stopped the answer before this send: sent as `stopped: true` (docs/protocol.md). */
  readonly stopped?: true | undefined;
}

/**
 * POST `{sender, data, stopped?}` to the relay and feed each chunk of the answer to `onChunk`.
 * Resolves once the answer is over; never rejects.
 */
export async function streamReply(relay: string, sender: string, data: OutgoingData, opts: StreamOptions): Promise<StreamOutcome> {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  // One controller for the request: the caller's abort and our timers both end it.
  const ctl = new AbortController();
  let timedOut = false;
  let chunks = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (ms: number) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      ctl.abort();
    }, ms);
  };
  const onOuterAbort = () => ctl.abort();
  if (opts.signal?.aborted) return { kind: 'aborted', chunks };
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const settle = (): StreamOutcome | null => {
    if (opts.signal?.aborted) return { kind: 'aborted', chunks };
    if (timedOut) return { kind: 'timeout', chunks };
    return null;
  };

  try {
    arm(timeouts.firstByteMs);
    let res: Response;
    try {
      res = await post(opts.fetch, relay, JSON.stringify({ sender, data, stopped: opts.stopped }), ctl.signal, 'text/event-stream');
    } catch (e) {
      return (
        settle() ?? {
          kind: 'failed',
          chunks: 0,
          code: 'network',
          message: e instanceof Error && e.message ? e.message : 'Network error',
        }
      );
    }
    if (!res.ok) {
      const err = await readRelayError(res);
      const wait = retryAfterOf(res);
      return (
        settle() ?? {
          kind: 'failed',
          chunks: 0,
          code: err.code ?? `http-${res.status}`,
          message: err.message ?? `The chat service answered ${res.status}`,
          status: res.status,
          ...(wait ? { retryAfter: wait } : {}),
        }
      );
    }
    const type = (res.headers.get('content-type') ?? '').toLowerCase();
    // A captive portal or a misrouted URL answers 200 text/html: an error, never rendered.
    if (type.includes('text/html')) {
      void res.body?.cancel().catch(() => {});
      return {
        kind: 'failed',
        chunks: 0,
        code: 'bad-content-type',
        message: 'The chat service answered with a web page',
        status: res.status,
      };
    }
    if (!res.body) return settle() ?? { kind: 'ended', chunks };

    try {
      const wires = decodeChunks(res.body, {
        maxTotalBytes: opts.maxTotalBytes ?? MAX_REPLY_BYTES,
        signal: ctl.signal,
        // Every read (not every chunk): the relay's `: ping` comments keep the idle timer alive.
        onRead: () => arm(timeouts.idleMs),
        onError: (err) => opts.onDecodeError?.(err.code, err.message),
      });
      let sliceStart = now();
      for await (const wire of wires) {
        if (ctl.signal.aborted) break;
        chunks++;
        try {
          opts.onChunk(parseChunk(wire));
        } catch {
          // A consumer bug must not kill the stream loop.
        }
        // The answer is over (the relay forwards nothing after it): a body a proxy keeps
        // open must not hold the next message back until the idle timer.
        if (wire.type === 'processing.end') {
          ctl.abort();
          break;
        }
        // One network read can hold hundreds of chunks, and the decoder hands them over in
        // microtasks: on a slow device that would be one long task. Give the browser a
        // turn (input, rendering) whenever a slice has run for SLICE_MS.
        if (now() - sliceStart > SLICE_MS) {
          await yieldToEventLoop();
          sliceStart = now();
        }
      }
    } catch {
      // The decoder promises not to throw; an abort surfacing as a rejection lands here.
    }
    return settle() ?? { kind: 'ended', chunks };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onOuterAbort);
  }
}
