/**
 * Persistence of a transcript (localStorage/sessionStorage). Storage can be edited by other
 * scripts of the page, so `deserializeTranscript` rebuilds every object field by field from
 * validated values (never spreads parsed objects) and returns null on anything unexpected.
 */
import type { OutgoingData } from '../protocol/types.js';
import { createLiveText } from '../delta/live-text.js';
import type { Action, Block, BotMessage, Card, Message, Notice, Transcript, TranscriptLimits } from './types.js';
import { INITIAL_TURN, MAX_ID_CHARS, cleanOutgoing, finalizeMessage, isRecord, resolveLimits, resolveUnit, turnOf, type TranscriptOptions } from './shared.js';

/** Bump when the stored shape changes; older versions are discarded (null). */
export const TRANSCRIPT_FORMAT_VERSION = 1;

const MAX_MESSAGES = 100_000;

export function serializeTranscript(t: Transcript): string {
  const turn = turnOf(t);
  let messages = t.messages;
  let notice = t.notice;
  const last = messages[messages.length - 1];
  if (last && last.role === 'bot' && last.state === 'streaming') {
    // Whatever was still arriving will not arrive after a reload.
    messages = [...messages.slice(0, -1), finalizeMessage(last, 'incomplete')];
    if (notice === null || notice.kind === 'offline') {
      notice = { kind: 'incomplete', message: 'This answer may be incomplete.', ...(turn.sent ? { retry: turn.sent } : {}) };
    }
  }
  // Being offline is a fact about this page's moment, not about the conversation.
  if (notice?.kind === 'offline') notice = null;
  return JSON.stringify({
    v: TRANSCRIPT_FORMAT_VERSION,
    deltaUnit: t.deltaUnit,
    nextId: t.nextId,
    notice,
    lastSent: turn.sent,
    messages: messages.map(toJson),
  });
}

function toJson(m: Message): unknown {
  if (m.role === 'user') return m;
  return {
    ...m,
    blocks: m.blocks.map((b) => {
      if (b.kind !== 'generation') return b;
      const { live, ...rest } = b;
      return { ...rest, html: String(live) };
    }),
  };
}

export function deserializeTranscript(json: string, options?: TranscriptOptions): Transcript | null {
  try {
    if (typeof json !== 'string') return null;
    const doc: unknown = JSON.parse(json);
    if (!isRecord(doc) || doc.v !== TRANSCRIPT_FORMAT_VERSION) return null;
    const limits = resolveLimits(options);
    const unit = options?.deltaUnit !== undefined ? resolveUnit(options.deltaUnit) : resolveUnit(doc.deltaUnit, 'grapheme');
    if (!Array.isArray(doc.messages) || doc.messages.length > MAX_MESSAGES) return null;
    if (typeof doc.nextId !== 'number' || !Number.isSafeInteger(doc.nextId) || doc.nextId < 1) return null;
    const ids = new Set<string>();
    const reader = new Reader(limits, unit, ids);
    const messages: Message[] = [];
    for (const m of doc.messages) {
      const msg = reader.message(m);
      if (!msg) return null;
      messages.push(msg);
    }
    if (reader.maxId >= doc.nextId) return null; // ids would collide with new ones
    const notice = doc.notice === null || doc.notice === undefined ? null : readNotice(doc.notice);
    if (notice === undefined) return null;
    const sent = doc.lastSent === null || doc.lastSent === undefined ? null : cleanOutgoing(doc.lastSent);
    if (sent === null && doc.lastSent !== null && doc.lastSent !== undefined) return null;
    return {
      messages,
      status: 'idle',
      notice,
      warnings: [],
      warningCount: 0,
      nextId: doc.nextId,
      deltaUnit: unit,
      limits,
      turn: { ...INITIAL_TURN, sent },
    };
  } catch {
    return null;
  }
}

const NOTICE_KINDS: readonly Notice['kind'][] = ['send-failed', 'incomplete', 'timeout', 'error', 'offline'];

function readNotice(x: unknown): Notice | undefined {
  if (!isRecord(x) || !NOTICE_KINDS.includes(x.kind as Notice['kind']) || typeof x.message !== 'string') return undefined;
  if (x.message.length > 1000) return undefined;
  const kind = x.kind as Notice['kind'];
  if (x.retry === undefined) return { kind, message: x.message };
  const retry = cleanOutgoing(x.retry);
  return retry ? { kind, message: x.message, retry } : undefined;
}

const ID = /^[mb]([0-9]{1,15})$/;

/** Thrown inside the reader only; turned into `null` by deserializeTranscript. */
class Invalid extends Error {}

function fail(): never {
  throw new Invalid('invalid stored transcript');
}

class Reader {
  maxId = 0;

  constructor(
    private readonly limits: TranscriptLimits,
    private readonly unit: Transcript['deltaUnit'],
    private readonly ids: Set<string>,
  ) {}

  id(x: unknown, prefix: 'm' | 'b'): string {
    if (typeof x !== 'string' || x[0] !== prefix) fail();
    const match = ID.exec(x);
    if (!match || this.ids.has(x)) fail();
    this.ids.add(x);
    this.maxId = Math.max(this.maxId, Number(match[1]));
    return x;
  }

  str(x: unknown, max = this.limits.maxReplyChars): string {
    if (typeof x !== 'string' || x.length > max) fail();
    return x;
  }

  at(x: unknown): number {
    if (typeof x !== 'number' || !Number.isFinite(x)) fail();
    return x;
  }

  message(x: unknown): Message | null {
    if (!isRecord(x)) return null;
    if (x.role === 'user') {
      const data: OutgoingData | null = cleanOutgoing(x.data);
      if (!data || (x.status !== 'sent' && x.status !== 'failed')) return null;
      return { id: this.id(x.id, 'm'), role: 'user', text: this.str(x.text), data, status: x.status, at: this.at(x.at) };
    }
    if (x.role !== 'bot') return null;
    // A saved message is never still streaming (serializeTranscript finalises it).
    if (x.state !== 'done' && x.state !== 'incomplete') return null;
    if (!Array.isArray(x.blocks) || x.blocks.length > this.limits.maxBlocks) return null;
    const id = this.id(x.id, 'm');
    const blocks = x.blocks.map((b: unknown) => this.block(b));
    const msg: BotMessage = { id, role: 'bot', blocks, state: x.state, at: this.at(x.at) };
    return msg;
  }

  action(x: unknown): Action {
    if (!isRecord(x)) fail();
    if (x.type === 'button') return { type: 'button', label: this.str(x.label), payload: this.str(x.payload) };
    if (x.type === 'link') return { type: 'link', label: this.str(x.label), url: this.str(x.url) };
    fail();
  }

  actions(x: unknown): Action[] {
    if (!Array.isArray(x) || x.length > this.limits.maxActions) fail();
    return x.map((a: unknown) => this.action(a));
  }

  card(x: unknown): Card {
    if (!isRecord(x)) fail();
    const index = x.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 1 || index > 10) fail();
    let image: Card['image'] = null;
    if (x.image !== null) {
      if (!isRecord(x.image)) fail();
      image = { src: this.str(x.image.src), alt: this.str(x.image.alt) };
    }
    if (x.state !== 'done') fail();
    return { index, title: this.str(x.title), description: this.str(x.description), image, actions: this.actions(x.actions), state: 'done' };
  }

  block(x: unknown): Block {
    if (!isRecord(x)) fail();
    switch (x.kind) {
      case 'text':
        if (typeof x.caption !== 'boolean' || typeof x.generated !== 'boolean') fail();
        return { kind: 'text', id: this.id(x.id, 'b'), html: this.str(x.html), caption: x.caption, generated: x.generated };
      case 'image':
      case 'video':
        return { kind: x.kind, id: this.id(x.id, 'b'), src: this.str(x.src), alt: this.str(x.alt) };
      case 'actions': {
        const actions = this.actions(x.actions);
        if (actions.length === 0) fail();
        return { kind: 'actions', id: this.id(x.id, 'b'), actions };
      }
      case 'carousel': {
        if (x.state !== 'done' || !Array.isArray(x.cards) || x.cards.length > this.limits.maxCards) fail();
        const cards = x.cards.map((c: unknown) => this.card(c));
        for (let i = 1; i < cards.length; i++) {
          const prev = cards[i - 1];
          const cur = cards[i];
          if (!prev || !cur || prev.index >= cur.index) fail(); // sorted, unique
        }
        return { kind: 'carousel', id: this.id(x.id, 'b'), carouselId: this.str(x.carouselId, MAX_ID_CHARS), cards, state: 'done' };
      }
      case 'generation': {
        if (x.state !== 'done' && x.state !== 'degraded') fail();
        const id = this.id(x.id, 'b');
        const generationId = this.str(x.generationId, MAX_ID_CHARS);
        const raw = this.str(x.raw);
        const live = createLiveText(this.unit, this.str(x.html));
        if (x.state === 'degraded') {
          const reason = x.degradedReason === undefined ? undefined : this.str(x.degradedReason, 500);
          return reason === undefined
            ? { kind: 'generation', id, generationId, raw, live, state: 'degraded' }
            : { kind: 'generation', id, generationId, raw, live, state: 'degraded', degradedReason: reason };
        }
        return { kind: 'generation', id, generationId, raw, live, state: 'done' };
      }
      default:
        fail();
    }
  }
}
