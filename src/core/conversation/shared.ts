/**
 * Small pure helpers shared by the reducer and the (de)serializer: defaults, validation of
 * outgoing data, per-block size accounting, finalisation of a bot message.
 */
import type { OutgoingData } from '../protocol/types.js';
import type { DeltaUnit } from '../delta/types.js';
import { isDeltaUnit } from '../delta/types.js';
import { assertNever } from '../never.js';
import { extensionBlockChars } from './extension-blocks.js';
import type {
  Action,
  Block,
  BotMessage,
  CarouselBlock,
  Card,
  Transcript,
  TranscriptLimits,
  TurnState,
} from './types.js';

export interface TranscriptOptions {
  /** Unit of generation delta positions (default `grapheme`, see docs/protocol.md). */
  deltaUnit?: DeltaUnit;
  /** Markdown + HTML characters of one reply (default 2,000,000). */
  maxReplyChars?: number;
  /** Characters shown in one bot message (default 256,000). */
  maxMessageChars?: number;
  /** Cards per carousel (default 10). */
  maxCards?: number;
  /** Actions per quick-replies block and per card (default 10). */
  maxActions?: number;
  /** Warnings kept in `transcript.warnings` (default 20). */
  maxWarnings?: number;
  /** Blocks per bot message (default 1,000). */
  maxBlocks?: number;
}

export const DEFAULT_TRANSCRIPT_LIMITS: TranscriptLimits = Object.freeze({
  maxReplyChars: 2_000_000,
  maxMessageChars: 256_000,
  maxCards: 10,
  maxActions: 10,
  maxWarnings: 20,
  maxBlocks: 1_000,
});

/** Generation and carousel ids longer than this are refused (they are persisted and compared). */
export const MAX_ID_CHARS = 200;

export const INITIAL_TURN: TurnState = Object.freeze({
  sent: null,
  userMessageId: null,
  inFlight: false,
  closed: false,
  received: false,
  errored: false,
  replyChars: 0,
  messageChars: 0,
  endedGenerations: Object.freeze([]),
  replacedGenerations: Object.freeze([]),
  warned: Object.freeze([]),
});

function limit(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
}

/** The unit if it is one, else `fallback`: options and storage are untrusted, never throws. */
export function deltaUnitOr(unit: unknown, fallback: DeltaUnit = 'grapheme'): DeltaUnit {
  return isDeltaUnit(unit) ? unit : fallback;
}

export function resolveLimits(options: TranscriptOptions | undefined): TranscriptLimits {
  const o = options ?? {};
  return {
    maxReplyChars: limit(o.maxReplyChars, DEFAULT_TRANSCRIPT_LIMITS.maxReplyChars),
    maxMessageChars: limit(o.maxMessageChars, DEFAULT_TRANSCRIPT_LIMITS.maxMessageChars),
    maxCards: limit(o.maxCards, DEFAULT_TRANSCRIPT_LIMITS.maxCards),
    maxActions: limit(o.maxActions, DEFAULT_TRANSCRIPT_LIMITS.maxActions),
    maxWarnings: limit(o.maxWarnings, DEFAULT_TRANSCRIPT_LIMITS.maxWarnings),
    maxBlocks: limit(o.maxBlocks, DEFAULT_TRANSCRIPT_LIMITS.maxBlocks),
  };
}

export const limitsOf = (t: Transcript): TranscriptLimits => t.limits ?? DEFAULT_TRANSCRIPT_LIMITS;
export const turnOf = (t: Transcript): TurnState => t.turn ?? INITIAL_TURN;

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A fresh copy of `data` if it is a valid OutgoingData, else null (never trusts its shape). */
export function cleanOutgoing(data: unknown): OutgoingData | null {
  if (!isRecord(data)) return null;
  if (data.type === 'text') {
    return typeof data.text === 'string' ? { type: 'text', text: data.text } : null;
  }
  if (data.type === 'payload') {
    if (typeof data.payload !== 'string') return null;
    if (data.label === undefined) return { type: 'payload', payload: data.payload };
    return typeof data.label === 'string' ? { type: 'payload', payload: data.payload, label: data.label } : null;
  }
  if (data.type === 'profile') {
    if (!isRecord(data.profile)) return null;
    // A null-prototype record so a `__proto__` variable is just a key, never a prototype.
    const profile: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(data.profile)) {
      if (typeof v !== 'string') return null;
      profile[k] = v;
    }
    return { type: 'profile', profile };
  }
  return null;
}

export function sameOutgoing(a: OutgoingData, b: OutgoingData): boolean {
  if (a.type === 'text' && b.type === 'text') return a.text === b.text;
  if (a.type === 'payload' && b.type === 'payload') return a.payload === b.payload && a.label === b.label;
  if (a.type === 'profile' && b.type === 'profile') {
    const ka = Object.keys(a.profile);
    const kb = Object.keys(b.profile);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b.profile, k) && b.profile[k] === a.profile[k]);
  }
  return false;
}

/** What a user message shows for `data`; null for profile sends (no visible message). */
export function visibleText(data: OutgoingData): string | null {
  if (data.type === 'text') return data.text;
  if (data.type === 'payload') return data.label !== undefined && data.label.trim() !== '' ? data.label : data.payload;
  return null;
}

function actionChars(a: Action): number {
  return a.label.length + (a.type === 'button' ? a.payload.length : a.url.length);
}

function cardChars(c: Card): number {
  let n = c.title.length + c.description.length;
  if (c.image) n += c.image.src.length + c.image.alt.length;
  for (const a of c.actions) n += actionChars(a);
  return n;
}

/**
 * `shown`: characters a block puts on screen (for maxMessageChars); `total`: markdown + HTML
 * characters it holds (for maxReplyChars). A generation shows its markdown as plain text once degraded.
 */
export function blockSize(b: Block | null): { shown: number; total: number } {
  if (!b) return { shown: 0, total: 0 };
  switch (b.kind) {
    case 'text':
      return { shown: b.html.length, total: b.html.length };
    case 'image':
    case 'video': {
      const n = b.src.length + b.alt.length;
      return { shown: n, total: n };
    }
    case 'actions': {
      let n = 0;
      for (const a of b.actions) n += actionChars(a);
      return { shown: n, total: n };
    }
    case 'carousel': {
      let n = 0;
      for (const c of b.cards) n += cardChars(c);
      return { shown: n, total: n };
    }
    case 'audio':
    case 'file':
    case 'location':
    case 'select': {
      const n = extensionBlockChars(b);
      return { shown: n, total: n };
    }
    case 'generation': {
      const html = b.live.utf16Length;
      return { shown: b.state === 'degraded' ? b.markdown.length : html, total: b.markdown.length + html };
    }
    default:
      return assertNever(b, 'block kind');
  }
}

/** A block that can still be streaming, finished (a degraded generation stays degraded); any other as it is. */
export function finishBlock<B extends Block>(b: B): B {
  const block: Block = b;
  if (block.kind === 'generation') return (block.state === 'streaming' ? { ...block, state: 'done' } : b) as B;
  return (block.kind === 'carousel' ? finishCarousel(block) : b) as B;
}

function finishCarousel(b: CarouselBlock): CarouselBlock {
  if (b.state === 'done' && b.cards.every((c) => c.state === 'done')) return b;
  return {
    ...b,
    state: 'done',
    cards: b.cards.map((c) => (c.state === 'done' ? c : { ...c, state: 'done' })),
  };
}

/**
 * Close a bot message: open generations, carousels and cards become done (a degraded
 * generation stays degraded). Untouched blocks keep their identity.
 */
export function finalizeMessage(m: BotMessage, state: 'done' | 'incomplete'): BotMessage {
  let changed = false;
  const blocks = m.blocks.map((b): Block => {
    const nb = finishBlock(b);
    if (nb !== b) changed = true;
    return nb;
  });
  if (!changed && m.state === state) return m;
  return { ...m, state, blocks: changed ? blocks : m.blocks };
}

/** Collapse whitespace so platform and streamed HTML compare equal despite formatting. */
export function normalizeHtml(html: string): string {
  return html.replace(/\s+/g, ' ').replace(/\s*(<|>)\s*/g, '$1').trim();
}
