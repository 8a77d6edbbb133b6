/**
 * Where the relay keeps visitor feedback and the webhook outbox. One async interface,
 * three implementations: memory (tests, edge runtimes without storage), SQLite (the Node
 * default: a file under RELAY_DATA_DIR, survives restarts), Redis (REDIS_URL: every
 * instance sees the same data). Edge-safe: no `node:` imports here.
 */
import type { FeedbackDetail, FeedbackKind } from '../../core/platform/feedback.js';

export interface StoredFeedback extends FeedbackDetail {
  /** The conversation part of the sender (never the signature). */
  readonly conversation: string;
  readonly origin: string;
  /** First vote's time; kept when the vote is updated. */
  readonly createdAt: number;
  readonly updatedAt: number;
  /** How often the value changed (the widget allows one change). */
  readonly changes: number;
  /**
   * How often this vote was stored (1 when created, +1 on every update, value or not):
   * part of the webhook outbox id, so two writes in the same millisecond are two deliveries.
   * Absent on votes stored before it existed (read as 0).
   */
  readonly revision?: number;
}

/** What a caller stores; the store adds the times and counters. */
export type FeedbackInput = Omit<StoredFeedback, 'createdAt' | 'updatedAt' | 'changes' | 'revision'>;

export type PutResult = 'created' | 'updated' | 'unchanged' | 'locked';

export interface OutboxItem {
  readonly id: string;
  readonly body: string;
  readonly attempts: number;
  readonly dueAt: number;
  readonly lastError?: string;
  /** When the first delivery was tried (set by the first `retry`): the webhook retries for a day from there. */
  readonly firstAttemptAt?: number;
}

export interface FeedbackSummary {
  readonly up: number;
  readonly down: number;
  readonly csatCount: number;
  readonly csatAverage: number | null;
  readonly reasons: Readonly<Record<string, number>>;
  /** Newest first, at most `commentLimit`. */
  readonly comments: readonly {
    readonly messageId: string;
    readonly kind: FeedbackKind;
    readonly value: string | number;
    readonly comment: string;
    readonly at: number;
  }[];
  readonly outbox: { readonly pending: number; readonly failed: number };
}

export interface FeedbackStore {
  /** Idempotent per (conversation, kind, messageId; CSAT: one per conversation). */
  put(item: FeedbackInput, now: number, maxChanges: number): Promise<{ result: PutResult; stored: StoredFeedback }>;
  list(options: { since?: number; limit?: number }): Promise<StoredFeedback[]>;
  summary(since: number, commentLimit?: number): Promise<FeedbackSummary>;
  /** Deletes feedback (and delivered or dead outbox items) older than `before`. */
  prune(before: number): Promise<number>;
  /** Adds an item; an id already in the outbox is left as it is (so ids must be unique per stored change). */
  enqueue(item: OutboxItem): Promise<void>;
  /** Items due at `now`, oldest first; a claimed item is not handed out again for `leaseMs`. */
  claimDue(now: number, limit: number, leaseMs: number): Promise<OutboxItem[]>;
  complete(id: string): Promise<void>;
  /** `dueAt: null`: given up (kept as failed until pruned). `firstAttemptAt` is kept with the item. */
  retry(id: string, attempts: number, dueAt: number | null, error: string, firstAttemptAt: number): Promise<void>;
  close(): Promise<void>;
}

export function feedbackKey(f: { conversation: string; kind: FeedbackKind; messageId: string }): string {
  return f.kind === 'csat' ? `${f.conversation}|csat` : `${f.conversation}|thumbs|${f.messageId}`;
}

/** The merge rule every store applies: same value = update (reasons/comment), new value = a change. */
export function mergeFeedback(
  prev: StoredFeedback | undefined,
  next: FeedbackInput,
  now: number,
  maxChanges: number,
): { result: PutResult; stored: StoredFeedback } {
  if (!prev) return { result: 'created', stored: { ...next, createdAt: now, updatedAt: now, changes: 0, revision: 1 } };
  const changed = prev.value !== next.value;
  if (changed && prev.changes >= maxChanges) return { result: 'locked', stored: prev };
  const same = !changed && prev.comment === next.comment && prev.reasons.join() === next.reasons.join();
  if (same) return { result: 'unchanged', stored: prev };
  return {
    result: 'updated',
    stored: {
      ...next,
      createdAt: prev.createdAt,
      updatedAt: now,
      changes: prev.changes + (changed ? 1 : 0),
      revision: (prev.revision ?? 0) + 1,
    },
  };
}

export function summarize(
  items: readonly StoredFeedback[],
  outbox: { pending: number; failed: number },
  commentLimit = 20,
): FeedbackSummary {
  let up = 0;
  let down = 0;
  let csatCount = 0;
  let csatSum = 0;
  const reasons: Record<string, number> = {};
  for (const f of items) {
    if (f.kind === 'thumbs') {
      if (f.value === 'up') up++;
      else down++;
      for (const r of f.reasons) reasons[r] = (reasons[r] ?? 0) + 1;
    } else if (typeof f.value === 'number') {
      csatCount++;
      csatSum += f.value;
    }
  }
  const comments = items
    .filter((f) => f.comment)
    .sort((a, b) => b.updatedAt - a.updatedAt)
    .slice(0, commentLimit)
    .map((f) => ({ messageId: f.messageId, kind: f.kind, value: f.value, comment: f.comment, at: f.updatedAt }));
  return { up, down, csatCount, csatAverage: csatCount ? Math.round((csatSum / csatCount) * 100) / 100 : null, reasons, comments, outbox };
}

/** In memory: tests and runtimes without a disk. Lost on restart (the relay warns). */
export class MemoryFeedbackStore implements FeedbackStore {
  readonly #items = new Map<string, StoredFeedback>();
  readonly #outbox = new Map<string, OutboxItem & { leaseUntil: number; failed: boolean; doneAt?: number }>();

  async put(item: FeedbackInput, now: number, maxChanges: number) {
    const key = feedbackKey(item);
    const merged = mergeFeedback(this.#items.get(key), item, now, maxChanges);
    if (merged.result === 'created' || merged.result === 'updated') this.#items.set(key, merged.stored);
    return merged;
  }

  async list({ since = 0, limit = 1000 }: { since?: number; limit?: number }) {
    return [...this.#items.values()]
      .filter((f) => f.updatedAt >= since)
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .slice(0, limit);
  }

  async summary(since: number, commentLimit?: number) {
    const all = [...this.#outbox.values()].filter((o) => o.doneAt === undefined);
    return summarize(
      await this.list({ since, limit: Number.MAX_SAFE_INTEGER }),
      { pending: all.filter((o) => !o.failed).length, failed: all.filter((o) => o.failed).length },
      commentLimit,
    );
  }

  async prune(before: number) {
    let n = 0;
    for (const [k, f] of this.#items) {
      if (f.updatedAt < before) {
        this.#items.delete(k);
        n++;
      }
    }
    for (const [k, o] of this.#outbox) if ((o.doneAt ?? (o.failed ? o.dueAt : Infinity)) < before) this.#outbox.delete(k);
    return n;
  }

  async enqueue(item: OutboxItem) {
    // Like SQLite's INSERT OR IGNORE and Redis's SET NX: an id already there is kept.
    if (!this.#outbox.has(item.id)) this.#outbox.set(item.id, { ...item, leaseUntil: 0, failed: false });
  }

  async claimDue(now: number, limit: number, leaseMs: number) {
    const due = [...this.#outbox.values()]
      .filter((o) => o.doneAt === undefined && !o.failed && o.dueAt <= now && o.leaseUntil <= now)
      .sort((a, b) => a.dueAt - b.dueAt)
      .slice(0, limit);
    for (const o of due) o.leaseUntil = now + leaseMs;
    return due.map(({ id, body, attempts, dueAt, lastError, firstAttemptAt }) => ({
      id,
      body,
      attempts,
      dueAt,
      ...(lastError ? { lastError } : {}),
      ...(firstAttemptAt !== undefined ? { firstAttemptAt } : {}),
    }));
  }

  async complete(id: string) {
    const o = this.#outbox.get(id);
    if (o) o.doneAt = Date.now();
  }

  async retry(id: string, attempts: number, dueAt: number | null, error: string, firstAttemptAt: number) {
    const o = this.#outbox.get(id);
    if (!o) return;
    this.#outbox.set(id, {
      ...o,
      attempts,
      dueAt: dueAt ?? o.dueAt,
      failed: dueAt === null,
      lastError: error,
      leaseUntil: 0,
      firstAttemptAt,
    });
  }

  async close() {}
}
