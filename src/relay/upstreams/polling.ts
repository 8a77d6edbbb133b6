import type { UpstreamLog } from './types.js';

/**
 * The answer of a platform that has no stream: poll its message list and turn each new
 * bot message into canonical chunks as it appears. Shared by the Botpress and
 * chat-messages adapters.
 *
 * - `processing.start` goes out at once, so the widget shows its typing indicator.
 * - Stops `quietMs` after the last new message, or at `maxMs` (before the first message
 *   only `maxMs` applies: a bot that thinks for three seconds must not be cut off; a
 *   `carried` message, late from the previous answer, is not a first message).
 * - Every message is emitted once: ids seen are remembered across polls.
 * - 429: waits as the platform's headers say (`retry-after`, seconds or a date, else
 *   `x-ratelimit-reset` / `ratelimit-reset`), else doubles its wait; never past `maxMs`.
 *   Still refused (429 or a failure) when `maxMs` comes: an error chunk says so.
 * - 5xx, network errors and polls slower than `pollTimeoutMs` (10 s) are retried (three in
 *   a row end the answer with an error chunk); 401/403/404 end it at once. Abort stops everything, including a pending wait.
 */

export interface PollTiming {
  readonly quietMs: number;
  readonly maxMs: number;
}

export interface PollItem {
  /** The platform's message id (dedupe key). */
  readonly id: string;
  readonly chunks: readonly object[];
  /** A late message of the previous answer: emitted, but it does not start the quiet time. */
  readonly carried?: boolean;
}

export type PollResult =
  | { readonly ok: true; readonly items: readonly PollItem[] }
  | {
      readonly ok: false;
      readonly status: number;
      readonly headers?: Headers;
      /** The adapter knows what the refusal means (an account limit): ends the answer with this error. */
      readonly refused?: { readonly code: string; readonly message: string };
    };

export interface PollingOptions {
  readonly poll: (signal: AbortSignal) => Promise<PollResult>;
  readonly timing: PollTiming;
  readonly signal: AbortSignal;
  readonly log: UpstreamLog;
  /** One poll that takes longer counts as a failed poll (retried). Default 10 s. */
  readonly pollTimeoutMs?: number;
  /**
   * A message's chunks were all taken by the reader (the browser's stream asked for more
   * after them): the adapter records it as shown. One not taken, because the visitor's
   * connection dropped first, is not, so the next answer carries it.
   */
  readonly delivered?: (id: string) => void;
  /** Test seams: the clock and the wait. */
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const MAX_TRANSIENT_FAILURES = 3;
const MAX_BACKOFF_MS = 60_000;

export function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal.addEventListener('abort', done, { once: true });
  });
}

/** How long a 429 asks us to wait, in ms, or undefined when its headers do not say. */
export function retryAfterMs(headers: Headers | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const ra = headers.get('retry-after')?.trim();
  if (ra) {
    if (/^\d+(\.\d+)?$/.test(ra)) return Number(ra) * 1000;
    const at = Date.parse(ra);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  for (const name of ['x-ratelimit-reset', 'ratelimit-reset']) {
    const v = headers.get(name)?.trim();
    if (v && /^\d+(\.\d+)?$/.test(v)) {
      const n = Number(v);
      // A Unix time (seconds) or a delay in seconds, told apart by size.
      return n > 1_000_000_000 ? Math.max(0, n * 1000 - now) : n * 1000;
    }
  }
  return undefined;
}

/** Poll interval: a quarter of the quiet time, between 100 ms and 1 s. */
export function pollInterval(timing: PollTiming): number {
  return Math.min(1000, Math.max(100, Math.floor(timing.quietMs / 4)));
}

type Wire = object;

/** One poll, aborted (and counted as failed) after `pollTimeoutMs` or when `signal` aborts. */
async function boundedPoll(options: PollingOptions, signal: AbortSignal): Promise<PollResult> {
  const child = new AbortController();
  const stop = () => child.abort();
  signal.addEventListener('abort', stop, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.abort();
      reject(new Error('poll timed out'));
    }, options.pollTimeoutMs ?? 10_000);
  });
  try {
    return await Promise.race([options.poll(child.signal), late]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
  }
}
/**
 * Yielded after a poll that found nothing new: written as a blank NDJSON line (the decoder
 * skips it), so the relay's upstream idle timeout sees a live platform while the bot
 * thinks, and `*_REPLY_MAX_MS` may exceed `RELAY_IDLE_TIMEOUT_MS`.
 */
const KEEPALIVE: Wire = Object.freeze({});

async function* answer(options: PollingOptions): AsyncGenerator<Wire> {
  const { timing, signal, log } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const interval = pollInterval(timing);
  const started = now();
  const deadline = started + timing.maxMs;
  const seen = new Set<string>();
  let lastNewAt: number | null = null;
  let failures = 0;
  let backoff = interval;
  yield { type: 'processing.start' };
  const error = (code: string, message: string): Wire => ({ type: 'error', error: { code, message } });
  for (;;) {
    if (signal.aborted) return;
    let result: PollResult;
    try {
      result = await boundedPoll(options, signal);
    } catch (e) {
      if (signal.aborted) return;
      log('warn', 'relay: polling the platform failed', { error: e });
      result = { ok: false, status: 0 };
    }
    if (signal.aborted) return;
    let wait = interval;
    let fresh = false;
    if (result.ok) {
      failures = 0;
      backoff = interval;
      for (const item of result.items) {
        if (seen.has(item.id)) continue;
        seen.add(item.id);
        fresh = true;
        if (!item.carried) lastNewAt = now();
        for (const chunk of item.chunks) yield chunk;
        options.delivered?.(item.id);
        if (signal.aborted) return;
      }
    } else if (result.refused) {
      yield error(result.refused.code, result.refused.message);
      break;
    } else if (result.status === 429) {
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      // "Now" (Retry-After: 0, a reset time already past) is no wait at all: back off as
      // with no hint, or one visitor's answer would poll the platform in a tight loop.
      const asked = retryAfterMs(result.headers, now());
      wait = asked !== undefined && asked > 0 ? Math.max(interval, asked) : backoff;
      log('info', 'relay: the platform rate-limited polling; waiting', { ms: wait });
    } else if (result.status === 401 || result.status === 403) {
      log('warn', 'relay: the platform refused polling', { status: result.status });
      yield error('upstream_auth', 'The relay is not authorised by the platform.');
      break;
    } else if (result.status === 404) {
      log('warn', 'relay: the platform no longer knows this conversation', { status: 404 });
      yield error('upstream_not_found', 'The conversation is gone; start a new one.');
      break;
    } else if (result.status >= 400 && result.status < 500) {
      log('warn', 'relay: the platform rejected polling', { status: result.status });
      yield error('upstream_rejected', 'The platform rejected the request for the answer.');
      break;
    } else if (++failures >= MAX_TRANSIENT_FAILURES) {
      log('warn', 'relay: the platform kept failing while polling', { status: result.status });
      yield error('upstream_unavailable', 'The assistant is unavailable.');
      break;
    } else {
      wait = interval * 2 ** failures;
    }
    if (!fresh) yield KEEPALIVE;
    if (signal.aborted) return;
    const t = now();
    if (t >= deadline) {
      // Out of time while the platform refused to be read: say so, not a silent end.
      if (!result.ok)
        yield result.status === 429
          ? error('upstream_rate_limited', 'The assistant is busy; try again shortly.')
          : error('upstream_unavailable', 'The assistant is unavailable.');
      break;
    }
    if (lastNewAt !== null && t - lastNewAt >= timing.quietMs) break;
    // Never sleep past the deadline or past the end of the quiet period.
    const until = Math.min(deadline, lastNewAt !== null ? lastNewAt + timing.quietMs : deadline);
    // The loop polls once more after every wait, so a message that landed during the
    // last wait before the deadline or the end of the quiet period is still seen.
    await sleep(Math.max(0, Math.min(wait, until - t)), signal);
  }
  yield { type: 'processing.end' };
}

const encoder = new TextEncoder();

/** The polling answer as a 200 NDJSON Response (pull-based: one chunk per read). */
export function pollingAnswer(options: PollingOptions): Response {
  const iterator = answer(options);
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value === KEEPALIVE ? '\n' : `${JSON.stringify(next.value)}\n`));
        } catch (e) {
          options.log('error', 'relay: the polling answer failed', { error: e });
          controller.close();
        }
      },
      cancel() {
        void iterator.return(undefined).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: 200, headers: { 'content-type': 'application/x-ndjson' } });
}

/** A fixed answer (e.g. a profile update that needs no reply). */
export function fixedAnswer(chunks: readonly object[]): Response {
  return new Response(chunks.map((c) => `${JSON.stringify(c)}\n`).join(''), {
    status: 200,
    headers: { 'content-type': 'application/x-ndjson' },
  });
}
