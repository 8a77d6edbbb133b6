/**
 * Small pure helpers shared by the reducer and the (de)serializer: defaults, validation of
 * outgoing data, per-block size accounting, finalisation of a bot message.
 */
import type { OutgoingData } from '../protocol/types.js';
import type { DeltaUnit } from '../delta/types.js';
import { isDeltaUnit } from '../delta/types.js';
import { isRecord } from '../guards.js';
import { decodeCharRefs } from '../char-refs.js';
import { extensionBlockChars } from './extension-blocks.js';
import type { Action, Block, BotMessage, CarouselBlock, Card, GenerationBlock, Transcript, TranscriptLimits, TurnState } from './types.js';

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

/** Each limit from `options` when it is a positive integer, else its default. */
export function resolveLimits(options: TranscriptOptions | undefined): TranscriptLimits {
  const o: Partial<Record<keyof TranscriptLimits, unknown>> = options ?? {};
  const out = { ...DEFAULT_TRANSCRIPT_LIMITS };
  for (const k of Object.keys(out) as (keyof TranscriptLimits)[]) out[k] = limit(o[k], out[k]);
  return out;
}

export const limitsOf = (t: Transcript): TranscriptLimits => t.limits ?? DEFAULT_TRANSCRIPT_LIMITS;
export const turnOf = (t: Transcript): TurnState => t.turn ?? INITIAL_TURN;

export { isRecord };

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

const actionChars = (a: Action): number => a.label.length + (a.type === 'button' ? a.payload.length : a.url.length);

const sum = <T>(items: readonly T[], size: (item: T) => number): number => items.reduce((n, x) => n + size(x), 0);

const cardChars = (c: Card): number =>
  c.title.length + c.description.length + (c.image ? c.image.src.length + c.image.alt.length : 0) + sum(c.actions, actionChars);

/** Characters of a block that shows everything it holds. */
function chars(b: Exclude<Block, GenerationBlock>): number {
  switch (b.kind) {
    case 'text':
      return b.html.length;
    case 'image':
    case 'video':
      return b.src.length + b.alt.length;
    case 'actions':
      return sum(b.actions, actionChars);
    case 'carousel':
      return sum(b.cards, cardChars);
    default:
      return extensionBlockChars(b);
  }
}

/**
 * `shown`: characters a block puts on screen (for maxMessageChars); `total`: markdown + HTML
 * characters it holds (for maxReplyChars). A generation shows its markdown as plain text once
 * degraded, or at its end when no delta made HTML.
 */
export function blockSize(b: Block | null): { shown: number; total: number } {
  if (!b) return { shown: 0, total: 0 };
  if (b.kind !== 'generation') {
    const n = chars(b);
    return { shown: n, total: n };
  }
  const html = b.live.utf16Length;
  // No HTML yet (a platform without deltas): its text is what will show.
  return { shown: b.state === 'degraded' || html === 0 ? b.markdown.length : html, total: b.markdown.length + html };
}

/** A generation that got text but whose deltas never made any HTML (a platform leaving `deltas` out). */
export const blankGeneration = (b: Block): boolean =>
  b.kind === 'generation' && b.state !== 'degraded' && b.markdown.trim() !== '' && String(b.live) === '';

/**
 * A block that can still be streaming, finished (a degraded generation stays degraded, a
 * blank one degrades: its text shows plain, not an empty bubble); any other as it is.
 */
export function finishBlock<B extends Block>(b: B): B {
  const block: Block = b;
  if (block.kind === 'generation') {
    if (block.state !== 'streaming') return b;
    return (blankGeneration(block) ? { ...block, state: 'degraded', degradedReason: 'no-deltas' } : { ...block, state: 'done' }) as B;
  }
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

/**
 * What a reader sees of `html`, for telling whether two renderings are one answer: tags
 * dropped (with them attributes such as the platform's `class="slate-p"`, and `<b>` vs
 * `<strong>`), character references decoded (`&#39;` and `'`), whitespace collapsed. The
 * platform's final `is_generated` text of a generation may be serialized differently from
 * the HTML the deltas built.
 */
export function readableText(html: string): string {
  return decodeCharRefs(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}
