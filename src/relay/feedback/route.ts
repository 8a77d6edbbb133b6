/**
 * `POST {relay}/feedback`: thumbs and CSAT from the widget. Origin-checked by the handler
 * like sends; here: rate limits (per IP and per sender, the send limits, own counters),
 * validation, the sender's signature, idempotent storage, then the webhook outbox.
 * The visitor gets 200 as soon as the vote is stored; the webhook never delays it.
 */
import { MAX_VOTES_PER_CONVERSATION, MemoryFeedbackStore, type FeedbackStore, type StoredFeedback } from './store.js';
import { FEEDBACK_BODY_BYTES, validateFeedbackBody } from './validate.js';
import { createWebhookWorker, type WebhookWorker } from './webhook.js';
import type { FeedbackDetail } from '../../core/platform/feedback.js';
import { RelayConfigError } from '../config-error.js';
import { randomSecret } from '../sender.js';

type Log = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface FeedbackConfig {
  /** Default: in memory (lost on restart; the Node server passes SQLite or Redis). */
  store?: FeedbackStore;
  /** FEEDBACK_WEBHOOK_URL. */
  webhookUrl?: string;
  /**
   * FEEDBACK_WEBHOOK_SECRET: the HMAC key every delivery is signed with, the one the receiver
   * holds. Required with `webhookUrl` (32+ characters, none of the RELAY_SECRET entries: the
   * receiver must not hold the key that signs visitors' sender ids).
   */
  webhookSecret?: string;
  /** Fetch for the webhook (default globalThis.fetch). */
  webhookFetch?: (request: Request) => Promise<Response>;
  /** RELAY_FEEDBACK_DAYS, default 90. */
  retentionDays?: number;
  /** Value changes allowed per answer (default 1: the widget lets a visitor change their mind once). */
  maxChanges?: number;
  /** Answers rated per conversation (default MAX_VOTES_PER_CONVERSATION, 200); past it a new one is 409 `too_many_votes`. */
  maxVotesPerConversation?: number;
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
  /**
   * The sender-signing secret(s) (RELAY_SECRET, every entry). Never used to sign a webhook:
   * a `webhookSecret` equal to one is refused.
   */
  secret: string | readonly string[];
  /** Without `webhookSecret`, sign webhooks with a random per-process key (warned) instead of refusing: the offline demo's convenience, as for RELAY_SECRET. */
  allowRandomSecret?: boolean;
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

/** The one line the relay refuses to start with when it has a webhook and no key of its own to sign it. */
export const MISSING_WEBHOOK_SECRET =
  'FEEDBACK_WEBHOOK_URL is set but FEEDBACK_WEBHOOK_SECRET is not: refusing to start, because webhook deliveries are signed with a key of their own, the one the receiver holds (set FEEDBACK_WEBHOOK_SECRET to 32+ random characters, not a RELAY_SECRET entry).';

/** The shortest FEEDBACK_WEBHOOK_SECRET taken. */
export const WEBHOOK_SECRET_MIN_CHARS = 32;

/**
 * The key webhooks are signed with. Never RELAY_SECRET: the body names the conversation and
 * origin, from which whoever holds the sender key computes the visitor's sender id.
 */
function webhookKey(config: FeedbackConfig, deps: FeedbackDeps): string {
  const secret = config.webhookSecret?.trim() ?? '';
  if (!secret) {
    if (!deps.allowRandomSecret) throw new RelayConfigError(MISSING_WEBHOOK_SECRET);
    deps.log(
      'warn',
      'relay: FEEDBACK_WEBHOOK_SECRET is not set; webhook deliveries are signed with a random key, so no receiver can check them (set it to what the receiver holds)',
    );
    return randomSecret();
  }
  if (secret.length < WEBHOOK_SECRET_MIN_CHARS)
    throw new RelayConfigError(
      `FEEDBACK_WEBHOOK_SECRET must be at least ${WEBHOOK_SECRET_MIN_CHARS} characters (openssl rand -base64 32).`,
    );
  const senderKeys = typeof deps.secret === 'string' ? deps.secret.split(',') : deps.secret;
  if (senderKeys.some((s) => s.trim() === secret))
    throw new RelayConfigError(
      'FEEDBACK_WEBHOOK_SECRET must differ from every RELAY_SECRET entry: whoever holds the webhook key could otherwise forge visitor sender ids.',
    );
  return secret;
}

export function createFeedbackService(config: FeedbackConfig, deps: FeedbackDeps): FeedbackService {
  // Checked first: a refused setting stops the start before anything else is said.
  const webhookSecret = config.webhookUrl ? webhookKey(config, deps) : '';
  // A receiver down long enough fills the in-memory outbox: what is dropped is said, once an hour.
  let droppedSaid = -Infinity;
  const store =
    config.store ??
    new MemoryFeedbackStore({
      onOutboxDrop: (failed) => {
        if (deps.now() - droppedSaid < HOUR) return;
        droppedSaid = deps.now();
        deps.log('warn', `relay: the in-memory webhook outbox is full; dropped the oldest ${failed ? 'failed' : 'undelivered'} delivery`);
      },
    });
  if (!config.store) deps.log('warn', 'relay: feedback is kept in memory only; the Node server stores it in SQLite (RELAY_DATA_DIR)');
  const retentionDays = config.retentionDays && config.retentionDays > 0 ? config.retentionDays : 90;
  const maxChanges = config.maxChanges ?? 1;
  const maxVotes = Math.max(1, config.maxVotesPerConversation ?? MAX_VOTES_PER_CONVERSATION);
  const webhook = config.webhookUrl
    ? createWebhookWorker({
        store,
        url: config.webhookUrl,
        secret: webhookSecret,
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
    const { result, stored } = await store.put({ ...valid.detail, conversation: valid.conversation, origin }, now, maxChanges, maxVotes);
    if (result === 'locked') return deps.error(409, 'feedback_locked', 'This answer was already rated and changed once.', origin);
    // Fixed text (the cap is the relay's, not something the client sent).
    if (result === 'full')
      return deps.error(409, 'too_many_votes', `This conversation already rated ${maxVotes} answers, as many as the relay keeps.`, origin);
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
