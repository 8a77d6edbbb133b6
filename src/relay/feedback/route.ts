/**
 * `POST {relay}/feedback`: thumbs and CSAT from the widget. Origin-checked by the handler
 * like sends; here: rate limits (per IP and per sender, the send limits, own counters),
 * validation, the sender's signature, idempotent storage, then the webhook outbox.
 * The visitor gets 200 as soon as the vote is stored; the webhook never delays it.
 */
import { MemoryFeedbackStore, type FeedbackStore, type StoredFeedback } from './store.js';
import { FEEDBACK_BODY_BYTES, validateFeedbackBody } from './validate.js';
import { createWebhookWorker, type WebhookWorker } from './webhook.js';
import type { FeedbackDetail } from '../../core/platform/feedback.js';

type Log = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface FeedbackConfig {
  /** Default: in memory (lost on restart; the Node server passes SQLite or Redis). */
  store?: FeedbackStore;
  /** FEEDBACK_WEBHOOK_URL. */
  webhookUrl?: string;
  /** Fetch for the webhook (default globalThis.fetch). */
  webhookFetch?: (request: Request) => Promise<Response>;
  /** RELAY_FEEDBACK_DAYS, default 90. */
  retentionDays?: number;
  /** Value changes allowed per answer (default 1: the widget lets a visitor change their mind once). */
  maxChanges?: number;
  /** Called after a vote is stored (the Node server tells the mock platform, for its analytics). */
  onStored?: (sender: string, detail: FeedbackDetail) => void;
}

export interface FeedbackDeps {
  verifySender(sender: string, origin: string): Promise<boolean>;
  readJson(request: Request, cap: number): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }>;
  error(status: number, code: string, message: string, origin: string | null, extra?: Record<string, string>): Response;
  ok(body: unknown, origin: string): Response;
  limits: { perIpPerMinute: number; perSenderPerMinute: number };
  /** A fixed window of `max` hits a minute for `key`, in the relay's (possibly shared) store. */
  limit(key: string, max: number): Promise<{ ok: boolean; retryAfter: number }>;
  now: () => number;
  secret: string;
  log: Log;
}

export interface FeedbackService {
  readonly store: FeedbackStore;
  readonly webhook: WebhookWorker | null;
  readonly retentionDays: number;
  /** `waitUntil`: where a Worker keeps the webhook delivery alive past the response. */
  handle(request: Request, origin: string, ip: string, waitUntil?: (work: Promise<unknown>) => void): Promise<Response>;
  /** Deletes what is older than the retention (at most once an hour unless forced). */
  maintain(force?: boolean): Promise<void>;
}

const HOUR = 3_600_000;

export function createFeedbackService(config: FeedbackConfig, deps: FeedbackDeps): FeedbackService {
  const store = config.store ?? new MemoryFeedbackStore();
  if (!config.store) deps.log('warn', 'relay: feedback is kept in memory only; the Node server stores it in SQLite (RELAY_DATA_DIR)');
  const retentionDays = config.retentionDays && config.retentionDays > 0 ? config.retentionDays : 90;
  const maxChanges = config.maxChanges ?? 1;
  const webhook = config.webhookUrl
    ? createWebhookWorker({
        store,
        url: config.webhookUrl,
        secret: deps.secret,
        now: deps.now,
        log: deps.log,
        ...(config.webhookFetch ? { fetch: config.webhookFetch } : {}),
      })
    : null;
  let prunedAt = 0;

  const maintain = async (force = false) => {
    const t = deps.now();
    if (!force && t - prunedAt < HOUR) return;
    prunedAt = t;
    const removed = await store.prune(t - retentionDays * 24 * HOUR);
    if (removed) deps.log('info', 'relay: feedback past its retention deleted', { removed, retentionDays });
  };

  const handle = async (request: Request, origin: string, ip: string, waitUntil?: (work: Promise<unknown>) => void): Promise<Response> => {
    const ipRate = await deps.limit(`feedback-ip:${ip}`, deps.limits.perIpPerMinute);
    if (!ipRate.ok)
      return deps.error(429, 'rate_limited', 'Too much feedback; slow down.', origin, { 'retry-after': String(ipRate.retryAfter) });
    const body = await deps.readJson(request, FEEDBACK_BODY_BYTES);
    if (!body.ok) return body.response;
    const valid = validateFeedbackBody(body.value);
    if (!valid.ok) return deps.error(400, 'invalid_request', valid.message, origin);
    if (!(await deps.verifySender(valid.sender, origin)))
      return deps.error(403, 'invalid_sender', 'Unknown sender; start a new conversation.', origin);
    const senderRate = await deps.limit(`feedback-sender:${valid.conversation}`, deps.limits.perSenderPerMinute);
    if (!senderRate.ok)
      return deps.error(429, 'rate_limited', 'Too much feedback in this conversation; slow down.', origin, {
        'retry-after': String(senderRate.retryAfter),
      });
    const now = deps.now();
    const { result, stored } = await store.put({ ...valid.detail, conversation: valid.conversation, origin }, now, maxChanges);
    if (result === 'locked') return deps.error(409, 'feedback_locked', 'This answer was already rated and changed once.', origin);
    if (result !== 'unchanged') {
      if (webhook) {
        await store.enqueue({
          // Unique per stored change: two writes of one vote in the same millisecond differ
          // in revision (an id already in the outbox would be dropped by every store).
          id: `${stored.conversation}.${stored.kind}.${stored.messageId}.${now}.${stored.revision ?? 0}`,
          body: webhookBody(stored),
          attempts: 0,
          dueAt: now,
        });
        const delivery = webhook.kick();
        waitUntil?.(delivery);
      }
      try {
        config.onStored?.(valid.sender, valid.detail);
      } catch {
        // An observer must not fail the visitor's request.
      }
    }
    void maintain().catch((error: unknown) => deps.log('warn', 'relay: feedback retention failed', { error: String(error) }));
    return deps.ok({ ok: true, result }, origin);
  };

  return { store, webhook, retentionDays, handle, maintain };
}

/** What the webhook receives: the vote, never the sender (a bearer secret). */
export function webhookBody(f: StoredFeedback): string {
  return JSON.stringify({
    type: 'indigo-chat-feedback',
    kind: f.kind,
    value: f.value,
    reasons: f.reasons,
    comment: f.comment,
    messageId: f.messageId,
    conversation: f.conversation,
    origin: f.origin,
    createdAt: new Date(f.createdAt).toISOString(),
    updatedAt: new Date(f.updatedAt).toISOString(),
    changes: f.changes,
    // Grows with every stored write of this vote: a retried older delivery can arrive after
    // a newer one, so a receiver keeps the highest per conversation, messageId and kind.
    revision: f.revision ?? 0,
  });
}
