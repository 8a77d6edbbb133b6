/**
 * Thumbs and CSAT state for one <indigo-chat>: which answers were rated, what is still to
 * be sent, whether CSAT was asked. Saved next to the transcript (same storage, its own key)
 * so choices survive reloads; sent to `POST {relay}/feedback` in the background with
 * retries, never with an error shown to the visitor (a vote is a courtesy, not a task).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { FeedbackDetail, FeedbackReason, ThumbValue } from '../../core/platform/feedback.js';
import { COMMENT_CONTROL, CSAT_MAX, CSAT_MIN, FEEDBACK_COMMENT_MAX, FEEDBACK_REASONS } from '../../core/platform/feedback.js';
import { stableMessageId } from '../../core/platform/message-id.js';
import type { Message } from '../../core/conversation/types.js';
import { pickStorage, type StorageKind } from '../../controllers/persistence-controller.js';
import { feedbackKey, readStored } from '../../controllers/storage.js';
import type { FetchLike } from '../../transport/transport.js';

export interface Vote {
  readonly value: ThumbValue;
  /** The first value: a vote may change once. */
  readonly first: ThumbValue;
  readonly changes: number;
  readonly reasons: readonly FeedbackReason[];
  readonly comment: string;
  /** The reasons form is open (thumbs down, not yet submitted). */
  readonly details: boolean;
  /** Reasons/comment were submitted. */
  readonly done: boolean;
}

export interface CsatState {
  /** `asking`: the question is shown; `done`: answered or dismissed (never asked again). */
  readonly state: 'none' | 'asking' | 'done';
  readonly score: number | null;
  readonly comment: string;
}

export interface FeedbackHost extends ReactiveControllerHost {
  /** This element stores the conversation under `storageKey` (another on the page may hold it). */
  readonly ownsKey: boolean;
  readonly relay: string;
  readonly storage: StorageKind;
  readonly fetchImpl: FetchLike | undefined;
  /** The persistence key of the transcript; feedback uses `${key}:feedback`. */
  readonly storageKey: string;
  /** Whether feedback may be written to storage now (consent given, this element owns the key); else memory only. */
  readonly mayStore: boolean;
  readonly sender: string | null;
  /** Fired for every vote the visitor makes (the element's `indigo-chat-feedback`). */
  onFeedback(detail: FeedbackDetail): void;
}

interface Saved {
  v: 1;
  /** The conversation these votes are for (absent in saves before 2026-12-02). */
  sender?: string | null;
  votes: Record<string, Vote>;
  csat: CsatState;
  outbox: { detail: FeedbackDetail; sender: string }[];
}

const NO_CSAT: CsatState = Object.freeze({ state: 'none', score: null, comment: '' });
const MAX_OUTBOX = 50;
const MAX_VOTES = 500;

/** Stable ids of the transcript's finished answers that may be rated (not the welcome). */
export function rateableAnswers(messages: readonly Message[], sender: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!sender) return out;
  let turn = 0;
  let seenUser = false;
  for (const m of messages) {
    if (m.role === 'user') {
      seenUser = true;
      continue;
    }
    if (m.blocks.length === 0) continue;
    turn++;
    // The welcome (answers before the visitor said anything) and unfinished answers get no thumbs.
    if (seenUser && m.state === 'done') out.set(m.id, stableMessageId(sender, turn));
  }
  return out;
}

const isThumb = (v: unknown): v is ThumbValue => v === 'up' || v === 'down';
const text = (v: unknown): string => (typeof v === 'string' ? v.slice(0, FEEDBACK_COMMENT_MAX) : '');
/** A comment as the relay takes it: nothing it would refuse (a refused vote loses its reasons too). */
const comment = (v: string): string => v.replace(new RegExp(COMMENT_CONTROL, 'g'), '').slice(0, FEEDBACK_COMMENT_MAX);

type Outbox = Saved['outbox'];
/** Which answer (or CSAT) of which conversation an outbox item is about. */
const answerOf = (o: Outbox[number]): string => `${o.sender} ${o.detail.kind} ${o.detail.messageId}`;

/** How far a vote went: changed beats first, completed (reasons sent or thumbs up) beats open. */
const progress = (v: Vote): number => v.changes * 2 + (v.done ? 1 : 0);

/**
 * Saved feedback (`raw`, as stored), rebuilt field by field (another script may have
 * edited it: a missing list or a comment that is not a string would throw in the view,
 * breaking the element). Null when absent or unreadable.
 */
function readSaved(
  raw: string | null,
): { sender: string | null; votes: Map<string, Vote>; csat: CsatState; outbox: Saved['outbox'] } | null {
  try {
    const saved = raw ? (JSON.parse(raw) as Partial<Saved>) : null;
    if (saved?.v !== 1) return null;
    const votes: [string, Vote][] = [];
    for (const [id, v] of Object.entries(saved.votes ?? {})) if (isThumb(v?.value)) votes.push([id, readVote(v)]);
    const c = saved.csat;
    return {
      sender: typeof saved.sender === 'string' ? saved.sender : null,
      votes: new Map(votes),
      csat:
        c && ['none', 'asking', 'done'].includes(c.state)
          ? {
              state: c.state,
              score: Number.isInteger(c.score) && c.score! >= CSAT_MIN && c.score! <= CSAT_MAX ? c.score : null,
              comment: text(c.comment),
            }
          : NO_CSAT,
      // The relay validates what is sent; only the shape the sender loop reads is checked here.
      outbox: (Array.isArray(saved.outbox) ? saved.outbox : [])
        .filter((o) => typeof o?.sender === 'string' && typeof o.detail === 'object' && o.detail !== null)
        .slice(-MAX_OUTBOX),
    };
  } catch {
    return null; // Unreadable: start empty.
  }
}

/** A saved vote from valid fields only (`v.value` already checked). */
function readVote(v: Vote): Vote {
  return {
    value: v.value,
    first: isThumb(v.first) ? v.first : v.value,
    changes: v.changes >= 1 ? 1 : 0,
    reasons: Array.isArray(v.reasons) ? FEEDBACK_REASONS.filter((r) => v.reasons.includes(r)) : [],
    comment: text(v.comment),
    details: v.details === true,
    done: v.done === true,
  };
}

export class FeedbackController implements ReactiveController {
  votes = new Map<string, Vote>();
  csat: CsatState = NO_CSAT;
  #outbox: Outbox = [];
  /** Outbox items this tab delivered (or the relay refused), as saved: not saved again from another tab's copy. */
  readonly #delivered = new Set<string>();
  #loadedKey: string | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  #sending = false;
  #connected = false;

  constructor(private readonly host: FeedbackHost) {
    host.addController(this);
  }

  get #key(): string {
    return feedbackKey(this.host.storageKey);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#load();
    addEventListener('storage', this.#onStorage);
    if (this.#outbox.length) this.#schedule(1000);
  }

  hostDisconnected(): void {
    this.#connected = false;
    removeEventListener('storage', this.#onStorage);
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #load(): void {
    // Another chat on the page holds the key: its votes, CSAT and outbox are not this one's.
    if (this.#loadedKey === this.#key || !this.host.ownsKey) return;
    this.#loadedKey = this.#key;
    const saved = readSaved(readStored(this.host.storage, this.#key));
    if (!saved) return;
    this.votes = saved.votes;
    this.csat = saved.csat;
    this.#outbox = saved.outbox;
  }

  /**
   * Another tab of the site saved this conversation's feedback (a `storage` event: only
   * other documents get it, only for localStorage). What the visitor did there shows here,
   * so a vote is not offered again and this tab's next save does not write it away
   * (docs/decisions/two-tabs-one-conversation.md). Only for the same conversation (sender),
   * and only what is further on: a vote absent here or changed/completed there; a CSAT
   * answered or dismissed there (never a question popped up here). Nothing here is removed,
   * and this tab's outbox stays its own to deliver.
   */
  readonly #onStorage = (e: StorageEvent): void => {
    const store = pickStorage(this.host.storage);
    if (e.key !== this.#key || e.newValue === null || !store || e.storageArea !== store || !this.host.ownsKey) return;
    const theirs = readSaved(e.newValue);
    if (!theirs || theirs.sender === null || theirs.sender !== this.host.sender) return;
    let changed = false;
    for (const [id, v] of theirs.votes) {
      const mine = this.votes.get(id);
      if (!mine || progress(v) > progress(mine)) {
        this.votes.set(id, v);
        changed = true;
      }
    }
    if (theirs.csat.state === 'done' && this.csat.state !== 'done') {
      this.csat = theirs.csat;
      changed = true;
    }
    if (changed) this.host.requestUpdate();
  };

  /** Writes votes, CSAT and outbox where the element stores now (also once `storage` moved). */
  save(): void {
    const store = this.host.mayStore ? pickStorage(this.host.storage) : null;
    if (!store) return;
    const votes = Object.fromEntries([...this.votes].slice(-MAX_VOTES));
    // Votes another tab saved and has not delivered yet stay saved (that tab may close
    // before the relay is back; the next page sends them): not one this tab has a vote
    // of its own for, nor one it delivered itself.
    const mine = new Set(this.#outbox.map(answerOf));
    const theirs = (readSaved(readStored(this.host.storage, this.#key))?.outbox ?? []).filter(
      (o) => !mine.has(answerOf(o)) && !this.#delivered.has(JSON.stringify(o)),
    );
    try {
      const outbox = [...theirs, ...this.#outbox].slice(-MAX_OUTBOX);
      const saved: Saved = { v: 1, sender: this.host.sender, votes, csat: this.csat, outbox };
      store.setItem(this.#key, JSON.stringify(saved));
    } catch {
      // Full or blocked: the votes live in memory.
    }
  }

  /** A new conversation: forget votes and CSAT (the old conversation's outbox still goes out). */
  reset(): void {
    this.votes = new Map();
    this.csat = NO_CSAT;
    this.save();
    this.host.requestUpdate();
  }

  /**
   * This tab now shows another conversation, one another tab started: its feedback is what
   * that tab saved for it, if anything, not this tab's for the old one (a CSAT answered
   * there would never be asked in the new one). Not saved: the other tab holds it.
   */
  followed(): void {
    const saved = readSaved(readStored(this.host.storage, this.#key));
    const same = saved !== null && saved.sender !== null && saved.sender === this.host.sender;
    this.votes = same ? saved.votes : new Map<string, Vote>();
    this.csat = same ? saved.csat : NO_CSAT;
    this.host.requestUpdate();
  }

  /** Thumb pressed. Returns false when the vote may not change any more. */
  thumb(messageId: string, value: ThumbValue): boolean {
    const prev = this.votes.get(messageId);
    if (prev?.value === value) return true;
    if (prev && prev.changes >= 1) return false;
    const vote: Vote = {
      value,
      first: prev?.first ?? value,
      changes: prev ? prev.changes + 1 : 0,
      reasons: [],
      comment: '',
      details: value === 'down',
      done: value === 'up',
    };
    this.#set(messageId, vote);
    this.#emit({ kind: 'thumbs', value, reasons: [], comment: '', messageId });
    return true;
  }

  toggleReason(messageId: string, reason: FeedbackReason): void {
    const v = this.votes.get(messageId);
    if (!v || v.value !== 'down' || v.done) return;
    const reasons = v.reasons.includes(reason) ? v.reasons.filter((r) => r !== reason) : [...v.reasons, reason];
    this.#set(messageId, { ...v, reasons });
  }

  setComment(messageId: string, text: string): void {
    const v = this.votes.get(messageId);
    if (v) this.votes.set(messageId, { ...v, comment: comment(text) });
  }

  submitDetails(messageId: string): void {
    const v = this.votes.get(messageId);
    if (!v || v.value !== 'down') return;
    this.#set(messageId, { ...v, details: false, done: true });
    if (v.reasons.length || v.comment.trim())
      this.#emit({ kind: 'thumbs', value: 'down', reasons: [...v.reasons].sort(), comment: v.comment.trim(), messageId });
  }

  askCsat(): void {
    if (this.csat.state !== 'none') return;
    this.csat = { ...this.csat, state: 'asking' };
    this.save();
    this.host.requestUpdate();
  }

  csatScore(score: number): void {
    if (this.csat.state !== 'asking') return;
    this.csat = { ...this.csat, score };
    this.host.requestUpdate();
  }

  csatComment(text: string): void {
    this.csat = { ...this.csat, comment: comment(text) };
  }

  /**
   * Send the score (none when `lastAnswerId` is null: "Not now", even after a score was
   * picked). Either way CSAT is not asked again.
   */
  finishCsat(lastAnswerId: string | null): void {
    if (this.csat.state !== 'asking') return;
    const { score, comment } = this.csat;
    const sent = score !== null && lastAnswerId !== null;
    // Dismissed: no thanks for a score that was never sent.
    this.csat = { ...this.csat, state: 'done', score: sent ? score : null };
    this.save();
    this.host.requestUpdate();
    if (sent) this.#emit({ kind: 'csat', value: score, reasons: [], comment: comment.trim(), messageId: lastAnswerId });
  }

  #set(messageId: string, vote: Vote): void {
    this.votes.set(messageId, vote);
    this.save();
    this.host.requestUpdate();
  }

  #emit(detail: FeedbackDetail): void {
    this.host.onFeedback(detail);
    const sender = this.host.sender;
    if (!sender) return;
    // The newest vote for an answer replaces one still waiting to go out.
    this.#outbox = this.#outbox.filter((o) => !(o.detail.messageId === detail.messageId && o.detail.kind === detail.kind));
    this.#outbox.push({ detail, sender });
    if (this.#outbox.length > MAX_OUTBOX) this.#outbox.shift();
    this.save();
    this.#attempt = 0;
    this.#schedule(0);
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#flush(), ms);
  }

  /** Sends the outbox in order; a network error or 5xx/429 retries later with backoff. */
  async #flush(): Promise<void> {
    if (this.#sending) return;
    this.#sending = true;
    try {
      const doFetch: FetchLike = this.host.fetchImpl ?? ((u, i) => fetch(u, i));
      const url = this.host.relay.replace(/\/+$/, '') + '/feedback';
      while (this.#outbox.length) {
        const item = this.#outbox[0]!;
        let retry = false;
        try {
          const res = await doFetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ sender: item.sender, ...item.detail }),
            credentials: 'same-origin',
          });
          retry = res.status === 429 || res.status >= 500;
        } catch {
          retry = true;
        }
        if (retry) {
          this.#attempt++;
          // Removed meanwhile: the next connect (or page) sends what is left.
          if (this.#attempt <= 6 && this.#connected) this.#schedule(Math.min(60_000, 1000 * 2 ** this.#attempt));
          return;
        }
        // Delivered, or refused for good (4xx): either way it leaves the outbox. That item, not
        // the first: a newer vote for the same answer replaced it meanwhile (#emit).
        const sent = this.#outbox.indexOf(item);
        if (sent >= 0) this.#outbox.splice(sent, 1);
        this.#delivered.add(JSON.stringify(item));
        this.#attempt = 0;
        this.save();
      }
    } finally {
      this.#sending = false;
    }
  }
}
