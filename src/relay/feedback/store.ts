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

/**
 * `full`: a thumbs vote on a new answer in a conversation that already has
 * MAX_VOTES_PER_CONVERSATION of them (nothing stored; changing an existing vote still works).
 */
export type PutResult = 'created' | 'updated' | 'unchanged' | 'locked' | 'full';

/**
 * Thumbs votes kept per conversation (distinct answers rated; the CSAT is one more). A
 * sender is cheap to mint and a turn number runs to 999,999, so without it one conversation
 * could store a million fabricated votes; no visitor rates 200 answers of one conversation.
 */
export const MAX_VOTES_PER_CONVERSATION = 200;

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
  /**
   * Idempotent per (conversation, kind, messageId; CSAT: one per conversation). A thumbs vote
   * on a new answer of a conversation that holds `maxPerConversation` (default
   * MAX_VOTES_PER_CONVERSATION) is `full` and not stored (`stored` is then the refused vote).
   */
  put(
    item: FeedbackInput,
    now: number,
    maxChanges: number,
    maxPerConversation?: number,
  ): Promise<{ result: PutResult; stored: StoredFeedback }>;
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

/**
 * The key range that holds one conversation's thumbs votes: every key `k` with
 * `from <= k < to` (conversation ids are `[A-Za-z0-9_-]`, so no other conversation's keys
 * fall in it; `}` follows `|`).
 */
export function thumbsKeyRange(conversation: string): { from: string; to: string } {
  return { from: `${conversation}|thumbs|`, to: `${conversation}|thumbs}` };
}

/** The conversation of a thumbs key (`<conversation>|thumbs|<messageId>`), else null. */
export function thumbsConversation(key: string): string | null {
  const [conversation, kind] = key.split('|');
  return kind === 'thumbs' && conversation !== undefined ? conversation : null;
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

/**
 * A summary built one vote at a time: what the stores that page through their votes use, so
 * a summary never holds more than the newest `commentLimit` comments.
 */
export class SummaryTally {
  #up = 0;
  #down = 0;
  #csatCount = 0;
  #csatSum = 0;
  readonly #reasons: Record<string, number> = {};
  readonly #comments: StoredFeedback[] = [];
  constructor(readonly commentLimit = 20) {}

  add(f: StoredFeedback): void {
    if (f.kind === 'thumbs') {
      if (f.value === 'up') this.#up++;
      else this.#down++;
      for (const r of f.reasons) this.#reasons[r] = (this.#reasons[r] ?? 0) + 1;
    } else if (typeof f.value === 'number') {
      this.#csatCount++;
      this.#csatSum += f.value;
    }
    if (!f.comment || this.commentLimit <= 0) return;
    const list = this.#comments;
    if (list.length >= this.commentLimit && f.updatedAt <= list[list.length - 1]!.updatedAt) return;
    // Newest first; a vote as new as one already kept goes after it (the order it came in).
    let i = list.length;
    while (i > 0 && list[i - 1]!.updatedAt < f.updatedAt) i--;
    list.splice(i, 0, f);
    if (list.length > this.commentLimit) list.pop();
  }

  result(outbox: { pending: number; failed: number }): FeedbackSummary {
    return {
      up: this.#up,
      down: this.#down,
      csatCount: this.#csatCount,
      csatAverage: this.#csatCount ? Math.round((this.#csatSum / this.#csatCount) * 100) / 100 : null,
      reasons: { ...this.#reasons },
      comments: this.#comments.map((f) => ({ messageId: f.messageId, kind: f.kind, value: f.value, comment: f.comment, at: f.updatedAt })),
      outbox,
    };
  }
}

export function summarize(
  items: readonly StoredFeedback[],
  outbox: { pending: number; failed: number },
  commentLimit = 20,
): FeedbackSummary {
  const tally = new SummaryTally(commentLimit);
  for (const f of items) tally.add(f);
  return tally.result(outbox);
}

/** MemoryFeedbackStore's bounds (it has no disk: an edge isolate has ~128 MB in all). */
export interface MemoryFeedbackOptions {
  /** Votes kept in all (default 10,000): past it, the least recently stored vote is dropped. */
  maxVotes?: number;
  /**
   * Webhook items not yet delivered (default 10,000): past it, the oldest failed item is
   * dropped, else the oldest pending one. A delivered item is dropped at once.
   */
  maxOutbox?: number;
  /** Told when a webhook item not yet delivered is dropped for room (the relay logs it). */
  onOutboxDrop?: (failed: boolean) => void;
}

export const MEMORY_MAX_VOTES = 10_000;
export const MEMORY_MAX_OUTBOX = 10_000;

/**
 * In memory: tests and runtimes without a disk. Lost on restart (the relay warns). Bounded
 * (MemoryFeedbackOptions): a flood of fabricated votes drops the oldest, never the process.
 */
export class MemoryFeedbackStore implements FeedbackStore {
  /** In the order stored (an update moves a vote to the end): the first is the oldest. */
  readonly #items = new Map<string, StoredFeedback>();
  /** Thumbs votes per conversation. */
  readonly #perConversation = new Map<string, number>();
  readonly #outbox = new Map<string, OutboxItem & { leaseUntil: number; failed: boolean }>();
  readonly #maxVotes: number;
  readonly #maxOutbox: number;
  readonly #onOutboxDrop: ((failed: boolean) => void) | undefined;

  constructor(options: MemoryFeedbackOptions = {}) {
    this.#maxVotes = Math.max(1, options.maxVotes ?? MEMORY_MAX_VOTES);
    this.#maxOutbox = Math.max(1, options.maxOutbox ?? MEMORY_MAX_OUTBOX);
    this.#onOutboxDrop = options.onOutboxDrop;
  }

  async put(item: FeedbackInput, now: number, maxChanges: number, maxPerConversation = MAX_VOTES_PER_CONVERSATION) {
    const key = feedbackKey(item);
    const prev = this.#items.get(key);
    const merged = mergeFeedback(prev, item, now, maxChanges);
    if (merged.result === 'created' && item.kind === 'thumbs') {
      const n = this.#perConversation.get(item.conversation) ?? 0;
      if (n >= maxPerConversation) return { result: 'full' as const, stored: merged.stored };
      this.#perConversation.set(item.conversation, n + 1);
    }
    if (merged.result === 'created' || merged.result === 'updated') {
      this.#items.delete(key);
      this.#items.set(key, merged.stored);
      while (this.#items.size > this.#maxVotes) this.#drop(this.#items.keys().next().value!);
    }
    return merged;
  }

  #drop(key: string): void {
    const f = this.#items.get(key);
    if (!f) return;
    this.#items.delete(key);
    if (f.kind !== 'thumbs') return;
    const n = (this.#perConversation.get(f.conversation) ?? 1) - 1;
    if (n > 0) this.#perConversation.set(f.conversation, n);
    else this.#perConversation.delete(f.conversation);
  }

  async list({ since = 0, limit = 1000 }: { since?: number; limit?: number }) {
    return [...this.#items.values()]
      .filter((f) => f.updatedAt >= since)
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .slice(0, limit);
  }

  async summary(since: number, commentLimit?: number) {
    const all = [...this.#outbox.values()];
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
        this.#drop(k);
        n++;
      }
    }
    for (const [k, o] of this.#outbox) if (o.failed && o.dueAt < before) this.#outbox.delete(k);
    return n;
  }

  async enqueue(item: OutboxItem) {
    // Like SQLite's INSERT OR IGNORE and Redis's SET NX: an id already there is kept.
    if (this.#outbox.has(item.id)) return;
    if (this.#outbox.size >= this.#maxOutbox) {
      let drop: string | undefined;
      for (const [id, o] of this.#outbox)
        if (o.failed) {
          drop = id;
          break;
        }
      this.#outbox.delete(drop ?? this.#outbox.keys().next().value!);
      this.#onOutboxDrop?.(drop !== undefined);
    }
    this.#outbox.set(item.id, { ...item, leaseUntil: 0, failed: false });
  }

  async claimDue(now: number, limit: number, leaseMs: number) {
    const due = [...this.#outbox.values()]
      .filter((o) => !o.failed && o.dueAt <= now && o.leaseUntil <= now)
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
    // Nothing reads a delivered item here (ids are unique per stored change): dropped at once.
    this.#outbox.delete(id);
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
