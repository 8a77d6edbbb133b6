/**
 * Persistence of a transcript (localStorage/sessionStorage). Storage can be edited by other
 * scripts of the page, so `deserializeTranscript` rebuilds every object field by field from
 * validated values (never spreads parsed objects) and returns null on anything unexpected.
 */
import type { OutgoingData } from '../protocol/types.js';
import { createLiveText } from '../delta/live-text.js';
import { readExtensionBlock, type ExtensionBlock } from './extension-blocks.js';
import type { Action, Block, BotMessage, Card, Message, Notice, Transcript, TranscriptLimits } from './types.js';
import { NOTICE_TEXT, isNoticeCode, makeNotice, type NoticeCode } from './codes.js';
import { skipNever } from '../never.js';
import {
  INITIAL_TURN,
  MAX_ID_CHARS,
  cleanOutgoing,
  finalizeMessage,
  isRecord,
  resolveLimits,
  deltaUnitOr,
  turnOf,
  type TranscriptOptions,
} from './shared.js';

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
      notice = makeNotice('incomplete', turn.sent ? { retry: turn.sent } : {});
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
    blocks: m.blocks.map(blockJson),
  };
}

/** A block as stored. Plain-data kinds as they are; a new kind must say how it is stored. */
function blockJson(b: Block): unknown {
  switch (b.kind) {
    case 'generation': {
      // Stored keys stay `raw` and `html` (the format scripts already deployed read).
      const { live, markdown, ...rest } = b;
      return { ...rest, raw: markdown, html: String(live) };
    }
    case 'text':
    case 'image':
    case 'video':
    case 'actions':
    case 'carousel':
    case 'audio':
    case 'file':
    case 'location':
    case 'select':
      return b;
    default:
      return skipNever(b, b);
  }
}

export function deserializeTranscript(json: string, options?: TranscriptOptions): Transcript | null {
  try {
    if (typeof json !== 'string') return null;
    const doc: unknown = JSON.parse(json);
    if (!isRecord(doc) || doc.v !== TRANSCRIPT_FORMAT_VERSION) return null;
    const limits = resolveLimits(options);
    const unit = options?.deltaUnit !== undefined ? deltaUnitOr(options.deltaUnit) : deltaUnitOr(doc.deltaUnit, 'grapheme');
    if (!Array.isArray(doc.messages) || doc.messages.length > MAX_MESSAGES) return null;
    if (typeof doc.nextId !== 'number' || !Number.isSafeInteger(doc.nextId) || doc.nextId < 1) return null;
    const ids = new Set<string>();
    const reader = new Reader(limits, unit, ids);
    const messages: Message[] = [];
    for (const m of doc.messages) {
      const msg = reader.message(m);
      if (!msg) return null;
      if (msg !== SKIP) messages.push(msg);
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

/** Notices saved before codes existed carry only a kind: the code that kind stood for. */
const LEGACY_NOTICE_CODE: Readonly<Record<Notice['kind'], NoticeCode>> = {
  'send-failed': 'send-failed',
  incomplete: 'incomplete',
  timeout: 'timeout',
  error: 'error',
  offline: 'offline',
};

function readNotice(x: unknown): Notice | undefined {
  if (!isRecord(x) || typeof x.message !== 'string' || x.message.length > 1000) return undefined;
  let code: NoticeCode;
  if (isNoticeCode(x.code)) code = x.code;
  else if (x.code === undefined && typeof x.kind === 'string' && Object.hasOwn(LEGACY_NOTICE_CODE, x.kind)) {
    code = LEGACY_NOTICE_CODE[x.kind as Notice['kind']];
    if (code === 'error' && x.message !== NOTICE_TEXT.error) code = 'relay-error';
  } else return undefined;
  // Only the relay's own message is stored text; every other notice reads its text from the code.
  const message = code === 'relay-error' ? x.message : NOTICE_TEXT[code];
  if (x.retry === undefined) return makeNotice(code, {}, message);
  const retry = cleanOutgoing(x.retry);
  return retry ? makeNotice(code, { retry }, message) : undefined;
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
    readonly limits: TranscriptLimits,
    readonly unit: Transcript['deltaUnit'],
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
    // A time a Date can hold (±8.64e15 ms): past it, rendering the message's <time> throws.
    if (typeof x !== 'number' || !(Math.abs(x) <= 8.64e15)) fail();
    return x;
  }

  /** A message, SKIP for one of a kind this version does not know, null when invalid. */
  message(x: unknown): Message | typeof SKIP | null {
    if (!isRecord(x)) return null;
    if (x.role === 'user') {
      const data: OutgoingData | null = cleanOutgoing(x.data);
      if (!data || (x.status !== 'sent' && x.status !== 'failed')) return null;
      return { id: this.id(x.id, 'm'), role: 'user', text: this.str(x.text), data, status: x.status, at: this.at(x.at) };
    }
    // A role from a newer version: that message is left out, the rest of the transcript kept.
    if (x.role !== 'bot') return typeof x.role === 'string' ? SKIP : null;
    // A saved message is never still streaming (serializeTranscript finalises it).
    if (x.state !== 'done' && x.state !== 'incomplete') return null;
    if (!Array.isArray(x.blocks) || x.blocks.length > this.limits.maxBlocks) return null;
    const id = this.id(x.id, 'm');
    const blocks: Block[] = [];
    for (const b of x.blocks as unknown[]) {
      const block = this.block(b);
      if (block !== SKIP) blocks.push(block);
    }
    // Every block was of an unknown kind: nothing of it can be shown.
    if (blocks.length === 0 && x.blocks.length > 0) return SKIP;
    const msg: BotMessage = {
      id,
      role: 'bot',
      blocks,
      state: x.state,
      ...(x.stopped === true && x.state === 'incomplete' ? { stopped: true as const } : {}),
      at: this.at(x.at),
    };
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
    return {
      index,
      title: this.str(x.title),
      description: this.str(x.description),
      image,
      actions: this.actions(x.actions),
      state: 'done',
    };
  }

  /** A block, or SKIP for a kind this version does not know (a newer script saved it). */
  block(x: unknown): Block | typeof SKIP {
    if (!isRecord(x) || typeof x.kind !== 'string') fail();
    if (!Object.hasOwn(BLOCK_READERS, x.kind)) return SKIP;
    return BLOCK_READERS[x.kind as Block['kind']](this, x);
  }
}

/** Left out of the restored transcript: a message or block of a kind this version does not know. */
const SKIP: unique symbol = Symbol('skip');

type BlockReaders = { readonly [K in Block['kind']]: (r: Reader, x: Record<string, unknown>) => Extract<Block, { kind: K }> };

/**
 * One reader per block kind. A mapped type over `Block['kind']`: a kind added to `Block`
 * without a reader here fails to compile. A kind not listed (saved by a newer version) is
 * skipped on its own; a known kind that does not validate fails the whole transcript
 * (storage edited by another script).
 */
const BLOCK_READERS: BlockReaders = {
  text(r, x) {
    if (typeof x.caption !== 'boolean' || typeof x.generated !== 'boolean') fail();
    return { kind: 'text', id: r.id(x.id, 'b'), html: r.str(x.html), caption: x.caption, generated: x.generated };
  },
  image: (r, x) => ({ kind: 'image', id: r.id(x.id, 'b'), src: r.str(x.src), alt: r.str(x.alt) }),
  video: (r, x) => ({ kind: 'video', id: r.id(x.id, 'b'), src: r.str(x.src), alt: r.str(x.alt) }),
  actions(r, x) {
    const actions = r.actions(x.actions);
    if (actions.length === 0) fail();
    return { kind: 'actions', id: r.id(x.id, 'b'), actions };
  },
  carousel(r, x) {
    if (x.state !== 'done' || !Array.isArray(x.cards) || x.cards.length > r.limits.maxCards) fail();
    const cards = x.cards.map((c: unknown) => r.card(c));
    for (let i = 1; i < cards.length; i++) {
      const prev = cards[i - 1];
      const cur = cards[i];
      if (!prev || !cur || prev.index >= cur.index) fail(); // sorted, unique
    }
    return { kind: 'carousel', id: r.id(x.id, 'b'), carouselId: r.str(x.carouselId, MAX_ID_CHARS), cards, state: 'done' };
  },
  // Protocol extensions (docs/decisions/protocol-extensions.md).
  audio: (r, x) => extension(r, x, 'audio'),
  file: (r, x) => extension(r, x, 'file'),
  location: (r, x) => extension(r, x, 'location'),
  select: (r, x) => extension(r, x, 'select'),
  generation(r, x) {
    if (x.state !== 'done' && x.state !== 'degraded') fail();
    const id = r.id(x.id, 'b');
    const generationId = r.str(x.generationId, MAX_ID_CHARS);
    const markdown = r.str(x.raw);
    const live = createLiveText(r.unit, r.str(x.html));
    if (x.state === 'degraded') {
      const reason = x.degradedReason === undefined ? undefined : r.str(x.degradedReason, 500);
      return reason === undefined
        ? { kind: 'generation', id, generationId, markdown, live, state: 'degraded' }
        : { kind: 'generation', id, generationId, markdown, live, state: 'degraded', degradedReason: reason };
    }
    return { kind: 'generation', id, generationId, markdown, live, state: 'done' };
  },
};

function extension<K extends ExtensionBlock['kind']>(r: Reader, x: Record<string, unknown>, kind: K): Extract<Block, { kind: K }> {
  const block = readExtensionBlock(x, r.id(x.id, 'b'), r.limits.maxReplyChars);
  if (!block || block.kind !== kind) fail();
  return block as Extract<Block, { kind: K }>;
}
