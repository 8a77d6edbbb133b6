/**
 * Forwards stored feedback to FEEDBACK_WEBHOOK_URL from a durable outbox: the route only
 * enqueues (the visitor never waits on the webhook); a worker delivers with exponential
 * backoff and jitter, and an item survives restarts until delivered or given up.
 *
 * Retries: 2 s after the first failure, doubling up to 1 h (each delay ±20 % jitter), for
 * 24 h after the first attempt: the last retry is due exactly 24 h after it, and when that
 * one fails too the item is `failed` for good (about 35 attempts). A receiver down for less
 * than a day gets everything once it is back (retries are at most 72 min apart). The time
 * of the first attempt is kept in the outbox, so a restart does not reset the budget.
 *
 * Each POST carries `x-indigo-signature: sha256=<hex>`, an HMAC-SHA256 with the webhook's
 * own key (FEEDBACK_WEBHOOK_SECRET, never RELAY_SECRET: the receiver holds it, and the body
 * names the conversation and origin a sender id is computed from) over `<timestamp>.<body>`,
 * and `x-indigo-timestamp` (Unix seconds) so a receiver can refuse replays.
 * Web Crypto only: edge-safe.
 */
import type { FeedbackStore, OutboxItem } from './store.js';
import { withDeadline } from '../deadline.js';

export interface WebhookOptions {
  store: FeedbackStore;
  url: string;
  /** FEEDBACK_WEBHOOK_SECRET, used whole (no comma list). */
  secret: string;
  fetch?: (request: Request) => Promise<Response>;
  now?: () => number;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  /** First retry after this (default 2 s), doubling up to maxDelayMs (default 1 h). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * Retry for this long after the first attempt (default 24 h): no retry is scheduled later
   * than that, and an attempt that fails this long after the first or later is the last.
   */
  retryForMs?: number;
  /** Also give up after this many attempts (default: no limit; the time budget decides, about 35 attempts with the defaults). */
  maxAttempts?: number;
  timeoutMs?: number;
  random?: () => number;
}

const encoder = new TextEncoder();

export async function signWebhook(secret: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`${timestamp}.${body}`)));
  return `sha256=${[...sig].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export interface WebhookWorker {
  /** Deliver what is due now; resolves when this round is done. */
  tick(): Promise<number>;
  /** Wake the worker (after an enqueue): the round's promise, which never rejects (a store
   * failure is logged). A Worker hands it to `ctx.waitUntil`, or the runtime may cancel the
   * delivery with the response. */
  kick(): Promise<void>;
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

export function createWebhookWorker(options: WebhookOptions): WebhookWorker {
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? ((r: Request) => globalThis.fetch(r));
  const base = options.baseDelayMs ?? 2000;
  const max = options.maxDelayMs ?? 3_600_000;
  const retryFor = options.retryForMs ?? 24 * 3_600_000;
  const maxAttempts = options.maxAttempts ?? Infinity;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const random = options.random ?? Math.random;
  const secret = options.secret.trim();
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<number> | null = null;
  /** The one round asked for while another runs: it starts when that one ends. */
  let queued: Promise<number> | null = null;

  const deliver = async (item: OutboxItem): Promise<void> => {
    const attempts = item.attempts + 1;
    const startedAt = now();
    // An item retried before the outbox kept this time (an older relay) starts its day now.
    const firstAttemptAt = item.attempts === 0 ? startedAt : (item.firstAttemptAt ?? startedAt);
    let error: string;
    try {
      const ts = Math.floor(startedAt / 1000);
      const signature = await signWebhook(secret, ts, item.body);
      const res = await withDeadline(timeoutMs, (signal) =>
        doFetch(
          new Request(options.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'user-agent': 'indigo-chat-relay',
              'x-indigo-delivery': item.id,
              'x-indigo-timestamp': String(ts),
              'x-indigo-signature': signature,
            },
            body: item.body,
            signal,
          }),
        ),
      );
      await res.body?.cancel().catch(() => {});
      if (res.ok) {
        await options.store.complete(item.id);
        return;
      }
      error = `HTTP ${res.status}`;
    } catch (e) {
      error = e instanceof Error ? e.name : 'network error';
    }
    const delay = Math.min(max, base * 2 ** (attempts - 1)) * (0.8 + random() * 0.4);
    const deadline = firstAttemptAt + retryFor;
    const giveUp = attempts >= maxAttempts || startedAt >= deadline;
    const dueAt = giveUp ? null : Math.min(deadline, now() + Math.round(delay));
    await options.store.retry(item.id, attempts, dueAt, error, firstAttemptAt);
    options.log?.(giveUp ? 'error' : 'warn', giveUp ? 'relay: feedback webhook gave up' : 'relay: feedback webhook failed; will retry', {
      attempts,
      error,
    });
  };

  const round = async (): Promise<number> => {
    let n = 0;
    for (;;) {
      const items = await options.store.claimDue(now(), 20, timeoutMs * 2);
      if (items.length === 0) break;
      await Promise.all(items.map(deliver));
      n += items.length;
    }
    return n;
  };

  // A store that fails (SQLite busy or full, Redis down) is said, never an unhandled
  // rejection (which ends a Node process); the next tick tries again.
  const storeFailed = (e: unknown): void =>
    options.log?.('error', 'relay: feedback webhook could not read or update its outbox; will try again', {
      error: e instanceof Error ? e.message : String(e),
    });

  // A tick while a round runs gets the round after it (an item enqueued meanwhile is in
  // that one), so whoever waits on a kick waits for the round that delivers their item.
  const tick = (): Promise<number> => {
    if (queued) return queued;
    if (running) {
      queued = running
        .catch(() => 0)
        .then(() => {
          queued = null;
          return tick();
        });
      return queued;
    }
    running = round().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    tick,
    kick: () => tick().then(() => {}, storeFailed),
    start(intervalMs = 1000) {
      timer ??= setInterval(() => void tick().catch(storeFailed), intervalMs);
      (timer as { unref?: () => void }).unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await (queued ?? running)?.catch(() => {});
    },
  };
}
