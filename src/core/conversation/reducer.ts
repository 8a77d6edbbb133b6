/**
 * The conversation reducer: `reduce(transcript, event)` -> a new transcript. Pure (clock and
 * ids come from events and `nextId`), never throws, applies a chunk completely or not at all,
 * and never loses what is already shown. Untouched messages and blocks keep their identity
 * so the element can skip them with `===`.
 *
 * Decisions (see also docs/protocol.md):
 * - An `is_generated` text with the same visible text (tags and whitespace aside) as a
 *   generation that ended in the same message, or following one that degraded, does not add
 *   a block: the generation block stays (same id, same kind, so the view morphs instead of
 *   swapping elements, no flash), becomes `done`, and its `live` becomes the platform's final
 *   HTML. A different text is added as a normal text block.
 * - Warnings about the same thing (a flood of late chunks, a cap) are given once per turn.
 * - Re-sending the data of a failed last user message (retry) flips it back to `sent`
 *   instead of appending a duplicate bubble.
 */
import type { Chunk, ChunkOf } from '../protocol/types.js';
import { createLiveText } from '../delta/live-text.js';
import { extensionBlock } from './extension-blocks.js';
import type {
  Action,
  ActionsBlock,
  Block,
  BotMessage,
  Card,
  CarouselBlock,
  ConversationEvent,
  GenerationBlock,
  Message,
  Notice,
  Transcript,
  TurnState,
  UserMessage,
  Warning,
} from './types.js';
import {
  INITIAL_TURN,
  MAX_ID_CHARS,
  blankGeneration,
  blockSize,
  cleanOutgoing,
  finalizeMessage,
  finishBlock,
  isRecord,
  limitsOf,
  readableText,
  deltaUnitOr,
  resolveLimits,
  sameOutgoing,
  turnOf,
  visibleText,
  type TranscriptOptions,
} from './shared.js';
import { makeNotice } from './codes.js';
import { skipNever } from '../never.js';
import { isString as str } from '../guards.js';

export type { TranscriptOptions } from './shared.js';
export { serializeTranscript, deserializeTranscript } from './serialize.js';

const MAX_WARNED_KEYS = 64;
const MAX_NOTICE_MESSAGE = 300;

export function createTranscript(options?: TranscriptOptions): Transcript {
  return {
    messages: [],
    status: 'idle',
    notice: null,
    warnings: [],
    warningCount: 0,
    nextId: 1,
    deltaUnit: deltaUnitOr(options?.deltaUnit),
    limits: resolveLimits(options),
    turn: INITIAL_TURN,
  };
}

export function generationHtml(block: GenerationBlock): string {
  return String(block.live);
}

/** The actions block whose buttons are still active: the last bot message's, if it is last. */
export function activeActionsBlockId(t: Transcript): string | null {
  const last = t.messages[t.messages.length - 1];
  if (!last || last.role !== 'bot') return null;
  for (let i = last.blocks.length - 1; i >= 0; i--) {
    const b = last.blocks[i];
    if (b && b.kind === 'actions') return b.id;
  }
  return null;
}

export function reduce(t: Transcript, e: ConversationEvent): Transcript {
  try {
    return step(t, e);
  } catch (err) {
    // A bug or a hostile object we did not foresee: keep everything, say what happened.
    try {
      const at = isRecord(e) && typeof e.at === 'number' && Number.isFinite(e.at) ? e.at : 0;
      return warn(t, 'invalid-chunk', `Event ignored after an internal error: ${describe(err)}`, at);
    } catch {
      return t;
    }
  }
}

function describe(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.slice(0, 200);
}

function step(t: Transcript, e: ConversationEvent): Transcript {
  if (!isRecord(e)) return t;
  const at = typeof e.at === 'number' && Number.isFinite(e.at) ? e.at : 0;
  switch (e.type) {
    case 'chunk':
      return onChunk(t, e.chunk, at);
    case 'send':
      return onSend(t, e.data, at, e.silent === true);
    case 'send-failed':
      return onSendFailed(t, e.retryAfter);
    case 'stream-ended':
      return onStreamStopped(t, 'incomplete');
    case 'stream-timeout':
      return onStreamStopped(t, 'timeout');
    case 'stream-aborted':
      return onAborted(t, e.reason === 'stopped');
    case 'connectivity':
      return onConnectivity(t, e.online === true);
    default:
      return skipNever(
        e,
        warn(t, 'invalid-chunk', `Unknown event type ${JSON.stringify(String((e as { type?: unknown }).type)).slice(0, 60)} ignored.`, at),
      );
  }
}

// ---------------------------------------------------------------- transcript plumbing

function withTurn(t: Transcript, patch: Partial<TurnState>): TurnState {
  return { ...turnOf(t), ...patch };
}

/**
 * Append a warning. With `key`, a warning already given under that key in this turn is not
 * repeated (and the transcript is returned unchanged).
 */
function warn(t: Transcript, code: Warning['code'], message: string, at: number, key?: string): Transcript {
  const turn = turnOf(t);
  if (key !== undefined && turn.warned.includes(key)) return t;
  const max = limitsOf(t).maxWarnings;
  const warnings = [...t.warnings, { code, message, at }];
  const warned = key !== undefined && turn.warned.length < MAX_WARNED_KEYS ? [...turn.warned, key] : turn.warned;
  return {
    ...t,
    warnings: warnings.length > max ? warnings.slice(warnings.length - max) : warnings,
    warningCount: t.warningCount + 1,
    turn: warned === turn.warned ? turn : { ...turn, warned },
  };
}

function lastMessage(t: Transcript): Message | undefined {
  return t.messages[t.messages.length - 1];
}

/** The bot message content goes into, if one is open. */
function openMessage(t: Transcript): BotMessage | null {
  const last = lastMessage(t);
  return last && last.role === 'bot' && last.state === 'streaming' && !turnOf(t).closed ? last : null;
}

function replaceLast(t: Transcript, m: Message): readonly Message[] {
  const messages = t.messages.slice();
  messages[messages.length - 1] = m;
  return messages;
}

function replaceById(messages: readonly Message[], id: string, f: (m: Message) => Message): readonly Message[] {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m && m.id === id) {
      const nm = f(m);
      if (nm === m) return messages;
      const out = messages.slice();
      out[i] = nm;
      return out;
    }
  }
  return messages;
}

/**
 * The open message closed as `state`. One that shows nothing (an answer without content:
 * to a profile, from a polled bot that stayed silent) is dropped: kept, it was a list
 * item saying only "Assistant:" and a time, and it took the live quick replies away from
 * the message before.
 */
function closeOpen(t: Transcript, open: BotMessage, state: 'done' | 'incomplete'): readonly Message[] {
  return hasContent(open.blocks) ? replaceLast(t, finalizeMessage(open, state)) : t.messages.slice(0, -1);
}

/** Open a new bot message (a new turn of content): waiting until its first block. */
function startMessage(t: Transcript, at: number): { t: Transcript; msg: BotMessage } {
  const msg: BotMessage = { id: `m${t.nextId}`, role: 'bot', blocks: [], state: 'streaming', at };
  const turn = withTurn(t, {
    inFlight: true,
    closed: false,
    received: true,
    messageChars: 0,
    endedGenerations: [],
    replacedGenerations: [],
  });
  return { t: { ...t, messages: [...t.messages, msg], nextId: t.nextId + 1, status: 'waiting', turn }, msg };
}

type Open = { ok: true; t: Transcript; msg: BotMessage } | { ok: false; t: Transcript };

/** `A <what> chunk <why> was ignored.`, once per turn under `key`. */
function ignored(t: Transcript, what: string, why: string, at: number, key: string): Transcript {
  return warn(t, 'ignored-chunk', `A ${what} chunk ${why} was ignored.`, at, key);
}

/**
 * The open bot message. Without one: unless the turn ended, one is opened implicitly
 * (processing.start missing), or, for a chunk about an existing `unknown` thing (a
 * generation, a carousel), the chunk is ignored with a warning.
 */
function ensureOpen(t: Transcript, what: string, at: number, unknown?: string): Open {
  const msg = openMessage(t);
  if (msg) return { ok: true, t, msg };
  if (turnOf(t).closed) return { ok: false, t: ignored(t, what, 'after processing.end', at, 'late') };
  if (unknown !== undefined) return { ok: false, t: ignored(t, what, `for an unknown ${unknown}`, at, `unknown:${unknown}`) };
  return { ok: true, ...startMessage(t, at) };
}

/**
 * Put new blocks into the open message, checking the size caps. `pairs` lists each changed
 * block as [before, after] (before null for a new block). On a cap, `t0` (the state before
 * this chunk) is returned with a warning: the chunk applies completely or not at all.
 */
function commit(
  t0: Transcript,
  o: { t: Transcript; msg: BotMessage },
  blocks: readonly Block[],
  pairs: readonly (readonly [Block | null, Block])[],
  at: number,
  turnPatch: Partial<TurnState> = {},
): Transcript {
  const limits = limitsOf(o.t);
  const turn = turnOf(o.t);
  let shown = 0;
  let total = 0;
  for (const [before, after] of pairs) {
    const a = blockSize(before);
    const b = blockSize(after);
    shown += b.shown - a.shown;
    total += b.total - a.total;
  }
  if (shown > 0 && turn.messageChars + shown > limits.maxMessageChars) {
    return warn(
      t0,
      'cap-reached',
      `A bot message reached ${limits.maxMessageChars} characters; further content was ignored.`,
      at,
      'cap:message',
    );
  }
  if (total > 0 && turn.replyChars + total > limits.maxReplyChars) {
    return warn(t0, 'cap-reached', `A reply reached ${limits.maxReplyChars} characters; further content was ignored.`, at, 'cap:reply');
  }
  const msg: BotMessage = { ...o.msg, blocks };
  return {
    ...o.t,
    messages: replaceLast(o.t, msg),
    status: o.t.status === 'streaming' || hasContent(blocks) ? 'streaming' : o.t.status,
    turn: { ...turn, ...turnPatch, messageChars: turn.messageChars + shown, replyChars: turn.replyChars + total },
  };
}

/** Something to show: the typing indicator gives way only then (an empty generation is not yet). */
function hasContent(blocks: readonly Block[]): boolean {
  return blocks.some((b) => b.kind !== 'generation' || b.live.utf16Length > 0 || b.markdown !== '');
}

function addBlock(t0: Transcript, what: string, at: number, make: (id: string) => Block): Transcript {
  const o = ensureOpen(t0, what, at);
  if (!o.ok) return o.t;
  const max = limitsOf(o.t).maxBlocks;
  if (o.msg.blocks.length >= max) {
    return warn(t0, 'cap-reached', `A bot message reached ${max} blocks; further content was ignored.`, at, 'cap:blocks');
  }
  const block = make(`b${o.t.nextId}`);
  const opened = { t: { ...o.t, nextId: o.t.nextId + 1 }, msg: o.msg };
  return commit(t0, opened, [...o.msg.blocks, block], [[null, block]], at);
}

function replaceBlock(blocks: readonly Block[], index: number, b: Block): readonly Block[] {
  const out = blocks.slice();
  out[index] = b;
  return out;
}

function findBlock<K extends Block['kind']>(
  msg: BotMessage,
  kind: K,
  match: (b: Extract<Block, { kind: K }>) => boolean,
): { index: number; block: Extract<Block, { kind: K }> } | null {
  for (let i = msg.blocks.length - 1; i >= 0; i--) {
    const b = msg.blocks[i];
    if (b && b.kind === kind && match(b as Extract<Block, { kind: K }>)) return { index: i, block: b as Extract<Block, { kind: K }> };
  }
  return null;
}

const goodId = (x: unknown): x is string => str(x) && x.length <= MAX_ID_CHARS;

function invalid(t: Transcript, what: string, at: number): Transcript {
  return warn(t, 'invalid-chunk', `A malformed ${what} chunk was ignored.`, at, `invalid:${what}`);
}

// ---------------------------------------------------------------- user and stream events

function onSend(t: Transcript, raw: unknown, at: number, silent: boolean): Transcript {
  const data = cleanOutgoing(raw);
  if (!data) return warn(t, 'invalid-chunk', 'A send with malformed data was ignored.', at);
  // The element aborts the stale stream; its unfinished answer stays, marked incomplete.
  const open = openMessage(t);
  let messages = open ? closeOpen(t, open, 'incomplete') : t.messages;
  let nextId = t.nextId;
  let userMessageId: string | null = null;
  const text = silent ? null : visibleText(data);
  if (text !== null) {
    const last = messages[messages.length - 1];
    if (last && last.role === 'user' && last.status === 'failed' && sameOutgoing(last.data, data)) {
      // A retry of the failed message: the same bubble is sent again, no duplicate.
      const retried: UserMessage = { ...last, status: 'sent', at };
      messages = [...messages.slice(0, -1), retried];
      userMessageId = last.id;
    } else {
      const user: UserMessage = { id: `m${nextId}`, role: 'user', text, data, status: 'sent', at };
      nextId += 1;
      messages = [...messages, user];
      userMessageId = user.id;
    }
  }
  const turn: TurnState = { ...INITIAL_TURN, sent: data, userMessageId, inFlight: true };
  return { ...t, messages, nextId, status: 'waiting', notice: null, turn };
}

function markUserFailed(messages: readonly Message[], id: string | null): readonly Message[] {
  if (id === null) return messages;
  return replaceById(messages, id, (m) => (m.role === 'user' && m.status !== 'failed' ? { ...m, status: 'failed' } : m));
}

function retryOf(turn: TurnState): Pick<Notice, 'retry'> {
  return turn.sent ? { retry: turn.sent } : {};
}

function onSendFailed(t: Transcript, retryAfter: unknown): Transcript {
  const turn = turnOf(t);
  const open = openMessage(t);
  let messages = open ? closeOpen(t, open, 'incomplete') : t.messages;
  // The visitor's text stays in the transcript, marked failed, with a retry offered.
  messages = markUserFailed(messages, turn.userMessageId);
  return {
    ...t,
    messages,
    status: 'idle',
    notice:
      typeof retryAfter === 'number' && retryAfter > 0
        ? { ...makeNotice('rate-limited', retryOf(turn)), retryAfter: Math.ceil(retryAfter) }
        : makeNotice('send-failed', retryOf(turn)),
    turn: { ...turn, inFlight: false, closed: true },
  };
}

/** EOF or timeout without processing.end. */
function onStreamStopped(t: Transcript, kind: 'incomplete' | 'timeout'): Transcript {
  const turn = turnOf(t);
  if (!turn.inFlight) return t;
  const open = openMessage(t);
  let messages = t.messages;
  let notice: Notice | null;
  if (!turn.received && !open) {
    // Nothing at all came back for the send: treat it as not delivered.
    messages = markUserFailed(messages, turn.userMessageId);
    notice = kind === 'timeout' ? makeNotice('no-answer-in-time', retryOf(turn)) : makeNotice('no-answer', retryOf(turn));
  } else {
    if (open) messages = closeOpen(t, open, 'incomplete');
    notice =
      turn.errored && t.notice?.kind === 'error'
        ? t.notice // the relay's error says more than "may be incomplete"
        : makeNotice(kind, retryOf(turn));
  }
  return { ...t, messages, status: 'idle', notice, turn: { ...turn, inFlight: false, closed: true } };
}

function onAborted(t: Transcript, stopped: boolean): Transcript {
  const turn = turnOf(t);
  if (!turn.inFlight) return t;
  const open = openMessage(t);
  // A stopped answer keeps its message, even empty: it says "stopped".
  const messages = !open
    ? t.messages
    : stopped
      ? replaceLast(t, { ...finalizeMessage(open, 'incomplete'), stopped: true })
      : closeOpen(t, open, 'incomplete');
  return { ...t, messages, status: 'idle', turn: { ...turn, inFlight: false, closed: true } };
}

function onConnectivity(t: Transcript, online: boolean): Transcript {
  if (online) return t.notice?.kind === 'offline' ? { ...t, notice: null } : t;
  if (t.notice !== null) return t; // already offline, or a more important notice
  return { ...t, notice: makeNotice('offline') };
}

// ---------------------------------------------------------------- chunks

function onChunk(t: Transcript, c: Chunk, at: number): Transcript {
  if (!isRecord(c) || !str(c.type)) return warn(t, 'invalid-chunk', 'A chunk that is not an object was ignored.', at, 'invalid:object');
  switch (c.type) {
    case 'processing.start':
      return onProcessingStart(t, at);
    case 'processing.end':
      return onProcessingEnd(t);
    case 'text':
      return onText(t, c, at);
    case 'image':
    case 'video': {
      if (!str(c.src) || !str(c.alt)) return invalid(t, c.type, at);
      const { src, alt } = c;
      const kind = c.type;
      return addBlock(t, kind, at, (id) => ({ kind, id, src, alt }));
    }
    case 'button':
    case 'link':
      return onAction(t, c, at);
    case 'audio':
    case 'file':
    case 'location':
    case 'select': {
      // Protocol extensions (docs/decisions/protocol-extensions.md): one block each.
      const make = extensionBlock(c);
      return make ? addBlock(t, c.type, at, make) : invalid(t, c.type, at);
    }
    case 'generation.start':
      return onGenerationStart(t, c, at);
    case 'generation.chunk':
      return onGenerationChunk(t, c, at);
    case 'generation.end':
      return onGenerationEnd(t, c, at);
    case 'carousel.start':
      return onCarouselStart(t, c, at);
    case 'carousel.end':
      return onCarouselEnd(t, c, at);
    case 'carousel.card.start':
      return onCardStart(t, c, at);
    case 'carousel.card.end':
    case 'carousel.card.button':
    case 'carousel.card.link':
      return onCardChunk(t, c, at);
    case 'error':
      return onError(t, c);
    case 'unknown':
      // Unknown types are skipped silently (forward compatibility); broken known ones are reported.
      if (c.reason === 'unknown type') return t;
      return warn(
        t,
        'invalid-chunk',
        `A ${String(c.wireType).slice(0, 40)} chunk was ignored: ${String(c.reason).slice(0, 120)}.`,
        at,
        `invalid:${String(c.wireType).slice(0, 40)}:${String(c.reason).slice(0, 40)}`,
      );
    default:
      // Every Chunk type has a case (the type checker enforces it); a value from outside
      // the types is left alone.
      return skipNever(c, t);
  }
}

function onProcessingStart(t: Transcript, at: number): Transcript {
  if (openMessage(t)) return t; // duplicate: idempotent
  return startMessage(t, at).t;
}

function onProcessingEnd(t: Transcript): Transcript {
  const turn = turnOf(t);
  const open = openMessage(t);
  if (!open) {
    if (turn.closed && !turn.inFlight) return t; // duplicate
    return { ...t, status: 'idle', turn: { ...turn, inFlight: false, closed: true, received: true } };
  }
  const messages = closeOpen(t, open, turn.errored ? 'incomplete' : 'done');
  return { ...t, messages, status: 'idle', turn: { ...turn, inFlight: false, closed: true } };
}

function onError(t: Transcript, c: ChunkOf<'error'>): Transcript {
  const turn = turnOf(t);
  const own = str(c.message) && c.message.trim() !== '';
  return {
    ...t,
    notice: own ? makeNotice('relay-error', retryOf(turn), c.message.slice(0, MAX_NOTICE_MESSAGE)) : makeNotice('error', retryOf(turn)),
    turn: { ...turn, errored: true, received: true },
  };
}

function onText(t: Transcript, c: ChunkOf<'text'>, at: number): Transcript {
  if (!str(c.text)) return invalid(t, 'text', at);
  const html = c.text;
  const generated = c.isGenerated === true;
  if (generated) {
    const replaced = replaceGeneration(t, html, at);
    if (replaced) return replaced;
  }
  const caption = c.isCaption === true;
  return addBlock(t, 'text', at, (id) => ({ kind: 'text', id, html, caption, generated }));
}

/**
 * The platform repeats a finished generation as an `is_generated` text, its authoritative
 * final answer: render it once. It replaces an ended generation of the open message (this
 * turn) when their visible text matches (markup may differ), or when that generation
 * degraded (its HTML is stale, so it could never match: appended, the visitor would read the answer twice)
 * and the text repeats its words; the bubble then shows rendered HTML again. Returns null when there is no such generation.
 */
function replaceGeneration(t: Transcript, html: string, at: number): Transcript | null {
  const msg = openMessage(t);
  if (!msg) return null;
  const turn = turnOf(t);
  const target = readableText(html);
  const found = findBlock(
    msg,
    'generation',
    (g) =>
      // Ended, or blank: an is_generated text may come before the end of a generation
      // without deltas, and it would then show twice (its own block, and the text plain).
      (turn.endedGenerations.includes(g.id) || blankGeneration(g)) &&
      !turn.replacedGenerations.includes(g.id) &&
      (g.state === 'degraded' || blankGeneration(g) ? repeats(g.markdown, `${html} ${target}`) : readableText(String(g.live)) === target),
  );
  if (!found) return null;
  const g = found.block;
  const next: GenerationBlock = {
    kind: 'generation',
    id: g.id,
    generationId: g.generationId,
    markdown: g.markdown,
    live: createLiveText(t.deltaUnit, html),
    state: 'done',
  };
  return commit(t, { t, msg }, replaceBlock(msg.blocks, found.index, next), [[g, next]], at, {
    replacedGenerations: [...turn.replacedGenerations, g.id],
    // Its later chunks and end (if it had not ended) edit nothing the text replaced.
    endedGenerations: turn.endedGenerations.includes(g.id) ? turn.endedGenerations : [...turn.endedGenerations, g.id],
  });
}

/**
 * The final text repeats what a degraded generation showed (its model text, markdown):
 * most of those words are in it. Another generated text of the turn ("Anything else?")
 * is added after it, never in its place.
 */
function repeats(markdown: string, text: string): boolean {
  const words = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const shown = words(markdown);
  if (shown.length === 0) {
    // Only emoji or signs: the same ones, or nothing was shown.
    const bare = (s: string) => s.replace(/\s+/g, '');
    return bare(text).includes(bare(markdown));
  }
  const final = new Set(words(text));
  return shown.filter((w) => final.has(w)).length >= shown.length * 0.7;
}

/** A button or link from a chunk's fields (an empty label shows the payload or URL); null when malformed. */
function toAction(c: ChunkOf<'button'> | ChunkOf<'link'> | ChunkOf<'carousel.card.button'> | ChunkOf<'carousel.card.link'>): Action | null {
  if (!str(c.label)) return null;
  const blank = c.label.trim() === '';
  if (c.type === 'button' || c.type === 'carousel.card.button') {
    return str(c.payload) ? { type: 'button', label: blank ? c.payload : c.label, payload: c.payload } : null;
  }
  return str(c.url) ? { type: 'link', label: blank ? c.url : c.label, url: c.url } : null;
}

function onAction(t: Transcript, c: ChunkOf<'button'> | ChunkOf<'link'>, at: number): Transcript {
  const action = toAction(c);
  if (!action) return invalid(t, c.type, at);
  const msg = openMessage(t);
  const last = msg?.blocks[msg.blocks.length - 1];
  if (msg && last && last.kind === 'actions') {
    // Consecutive buttons/links form one quick-replies block.
    const max = limitsOf(t).maxActions;
    if (last.actions.length >= max) {
      return warn(
        t,
        'cap-reached',
        `A quick-replies block reached ${max} actions; further ones were ignored.`,
        at,
        `cap:actions:${last.id}`,
      );
    }
    const next: ActionsBlock = { ...last, actions: [...last.actions, action] };
    return commit(t, { t, msg }, replaceBlock(msg.blocks, msg.blocks.length - 1, next), [[last, next]], at);
  }
  return addBlock(t, c.type, at, (id) => ({ kind: 'actions', id, actions: [action] }));
}

// ------------------------------------------- generations and carousels: blocks with an id

type Live = GenerationBlock | CarouselBlock;
type Found<B> = { ok: true; msg: BotMessage; index: number; block: B } | { ok: false; t: Transcript };

const liveId = (b: Live): string => (b.kind === 'generation' ? b.generationId : b.carouselId);

/** An id as shown in warnings and warning keys. */
const key = (id: string): string => id.slice(0, 80);

/** A generation is over once its end came (it stays done or degraded), a carousel once done. */
const isEnded = (t: Transcript, b: Live): boolean =>
  b.kind === 'generation' ? turnOf(t).endedGenerations.includes(b.id) : b.state !== 'streaming';

function findLive<K extends Live['kind']>(msg: BotMessage, kind: K, id: string) {
  return findBlock(msg, kind, (b) => liveId(b) === id);
}

/** `*.start`: a new block, unless one with this id exists (a duplicate start, or a late one). */
function onLiveStart(t: Transcript, kind: Live['kind'], id: unknown, at: number, make: (blockId: string, id: string) => Live): Transcript {
  const what = `${kind}.start`;
  if (!goodId(id)) return invalid(t, what, at);
  const msg = openMessage(t);
  const existing = msg && findLive(msg, kind, id);
  if (existing) {
    if (!isEnded(t, existing.block)) return t; // duplicate: idempotent
    return ignored(t, what, `for ended ${kind} ${key(id)}`, at, `ended:${kind[0]}:${key(id)}`);
  }
  return addBlock(t, what, at, (blockId) => make(blockId, id));
}

/**
 * The open message's generation or carousel `id`, for a chunk about it: an unknown one,
 * or an ended one, is ignored with a warning (quietly when ended and `quiet`).
 */
function findOpen<K extends Live['kind']>(
  t: Transcript,
  kind: K,
  id: string,
  what: string,
  at: number,
  quiet = false,
): Found<Extract<Block, { kind: K }>> {
  const k = key(id);
  const o = ensureOpen(t, what, at, `${kind} ${k}`);
  if (!o.ok) return o;
  const found = findLive(o.msg, kind, id);
  if (!found) return { ok: false, t: ignored(t, what, `for unknown ${kind} ${k}`, at, `unknown:${kind[0]}:${k}`) };
  if (isEnded(t, found.block))
    return { ok: false, t: quiet ? t : ignored(t, what, `after the end of ${kind} ${k}`, at, `ended:${kind[0]}:${k}`) };
  return { ok: true, msg: o.msg, ...found };
}

/** The messages with the found block replaced (no size check: for ends, which add nothing). */
function withBlock(t: Transcript, f: { msg: BotMessage; index: number }, b: Block): readonly Message[] {
  return replaceLast(t, { ...f.msg, blocks: replaceBlock(f.msg.blocks, f.index, b) });
}

function onGenerationStart(t: Transcript, c: ChunkOf<'generation.start'>, at: number): Transcript {
  const live = createLiveText(t.deltaUnit, '');
  return onLiveStart(t, 'generation', c.generationId, at, (id, generationId) => ({
    kind: 'generation',
    id,
    generationId,
    markdown: '',
    live,
    state: 'streaming',
  }));
}

function onGenerationChunk(t: Transcript, c: ChunkOf<'generation.chunk'>, at: number): Transcript {
  if (!goodId(c.generationId) || !str(c.chunk)) return invalid(t, 'generation.chunk', at);
  const f = findOpen(t, 'generation', c.generationId, 'generation.chunk', at);
  if (!f.ok) return f.t;
  const g = f.block;
  // A cap refused one of its chunks: the platform's text has moved on without us, so its
  // later deltas (even those that shrink it) would edit the wrong places. What is shown stays.
  const capped = `cap:${g.id}`;
  if (turnOf(t).warned.includes(capped)) return t;
  const markdown = g.markdown + c.chunk;
  let next: GenerationBlock;
  let degradedNow = false;
  if (g.state === 'degraded') {
    next = { ...g, markdown }; // deltas ignored for good; the plain text keeps growing
  } else {
    let live = g.live;
    let reason: string | null = null;
    try {
      live = g.live.apply(c.deltas);
    } catch (err) {
      reason = isRecord(err) && str(err.reason) ? err.reason : describe(err);
    }
    if (reason === null) {
      if (c.chunk === '' && live === g.live) return t;
      next = { ...g, markdown, live };
    } else {
      // Its text from now on; chunks that carried none (deltas only) start from what showed.
      next = { ...g, markdown: markdown.trim() ? markdown : readableText(String(g.live)), state: 'degraded', degradedReason: reason };
      degradedNow = true;
    }
  }
  const out = commit(t, { t, msg: f.msg }, replaceBlock(f.msg.blocks, f.index, next), [[g, next]], at);
  if (out.messages === t.messages) {
    const turn = turnOf(out);
    return { ...out, turn: { ...turn, warned: [...turn.warned, capped] } };
  }
  if (!degradedNow) return out;
  return warn(
    out,
    'degraded-generation',
    `Generation ${key(g.generationId)} received an invalid delta (${next.degradedReason ?? 'unknown'}); showing its text as plain text from now on.`,
    at,
    `degraded:${g.id}`,
  );
}

function onGenerationEnd(t: Transcript, c: ChunkOf<'generation.end'>, at: number): Transcript {
  if (!goodId(c.generationId)) return invalid(t, 'generation.end', at);
  const f = findOpen(t, 'generation', c.generationId, 'generation.end', at, true); // a duplicate end is quiet
  if (!f.ok) return f.t;
  const g = f.block;
  const turn = turnOf(t);
  // Text came but no delta ever made HTML of it (a platform that leaves `deltas` out): its
  // text is shown plain (finishBlock), as after an invalid delta, not an empty bubble. A
  // chunk without deltas is not refused by itself, since it may add text that changes no HTML.
  const blank = blankGeneration(g);
  const next = finishBlock(g); // degraded stays degraded
  const out: Transcript = {
    ...t,
    messages: next === g ? t.messages : withBlock(t, f, next),
    turn: { ...turn, endedGenerations: [...turn.endedGenerations, g.id] },
  };
  if (!blank) return out;
  return warn(
    out,
    'degraded-generation',
    `Generation ${key(g.generationId)} ended with text but no deltas; showing its text as plain text.`,
    at,
    `degraded:${g.id}`,
  );
}

function onCarouselStart(t: Transcript, c: ChunkOf<'carousel.start'>, at: number): Transcript {
  return onLiveStart(t, 'carousel', c.carouselId, at, (id, carouselId) => ({
    kind: 'carousel',
    id,
    carouselId,
    cards: [],
    state: 'streaming',
  }));
}

function onCarouselEnd(t: Transcript, c: ChunkOf<'carousel.end'>, at: number): Transcript {
  if (!goodId(c.carouselId)) return invalid(t, 'carousel.end', at);
  const f = findOpen(t, 'carousel', c.carouselId, 'carousel.end', at);
  return f.ok ? { ...t, messages: withBlock(t, f, finishBlock(f.block)) } : f.t;
}

const validCardIndex = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 10;

function onCardStart(t: Transcript, c: ChunkOf<'carousel.card.start'>, at: number): Transcript {
  if (!goodId(c.carouselId) || !validCardIndex(c.cardIndex)) return invalid(t, 'carousel.card.start', at);
  const image =
    c.image === null || c.image === undefined
      ? null
      : isRecord(c.image) && str(c.image.src) && str(c.image.alt)
        ? { src: c.image.src, alt: c.image.alt }
        : undefined;
  if (image === undefined || (c.title !== undefined && !str(c.title)) || (c.description !== undefined && !str(c.description))) {
    return invalid(t, 'carousel.card.start', at);
  }
  const f = findOpen(t, 'carousel', c.carouselId, 'carousel.card.start', at);
  if (!f.ok) return f.t;
  const idx = c.cardIndex;
  const existing = f.block.cards.find((card) => card.index === idx);
  if (existing) {
    if (existing.state === 'streaming') return t; // duplicate: idempotent
    return ignored(t, 'carousel.card.start', `for ended card ${idx}`, at, `ended:card:${f.block.id}:${idx}`);
  }
  const max = limitsOf(t).maxCards;
  if (f.block.cards.length >= max) {
    return warn(t, 'cap-reached', `A carousel reached ${max} cards; further ones were ignored.`, at, `cap:cards:${f.block.id}`);
  }
  const card: Card = { index: idx, title: c.title ?? '', description: c.description ?? '', image, actions: [], state: 'streaming' };
  const cards = [...f.block.cards, card].sort((a, b) => a.index - b.index);
  const next: CarouselBlock = { ...f.block, cards };
  return commit(t, { t, msg: f.msg }, replaceBlock(f.msg.blocks, f.index, next), [[f.block, next]], at);
}

function onCardChunk(
  t: Transcript,
  c: ChunkOf<'carousel.card.end'> | ChunkOf<'carousel.card.button'> | ChunkOf<'carousel.card.link'>,
  at: number,
): Transcript {
  if (!goodId(c.carouselId) || !validCardIndex(c.cardIndex)) return invalid(t, c.type, at);
  const action = c.type === 'carousel.card.end' ? null : toAction(c);
  if (action === null && c.type !== 'carousel.card.end') return invalid(t, c.type, at);
  const f = findOpen(t, 'carousel', c.carouselId, c.type, at);
  if (!f.ok) return f.t;
  const idx = c.cardIndex;
  const pos = f.block.cards.findIndex((card) => card.index === idx);
  const card = f.block.cards[pos];
  if (!card) {
    return ignored(t, c.type, `for unknown card ${idx}`, at, `unknown:card:${f.block.id}:${idx}`);
  }
  if (card.state !== 'streaming') {
    return ignored(t, c.type, `after the end of card ${idx}`, at, `ended:card:${f.block.id}:${idx}`);
  }
  let nextCard: Card;
  if (action === null) {
    nextCard = { ...card, state: 'done' };
  } else {
    const max = limitsOf(t).maxActions;
    if (card.actions.length >= max) {
      return warn(t, 'cap-reached', `A card reached ${max} actions; further ones were ignored.`, at, `cap:actions:${f.block.id}:${idx}`);
    }
    nextCard = { ...card, actions: [...card.actions, action] };
  }
  const cards = f.block.cards.slice();
  cards[pos] = nextCard;
  const next: CarouselBlock = { ...f.block, cards };
  return commit(t, { t, msg: f.msg }, replaceBlock(f.msg.blocks, f.index, next), [[f.block, next]], at);
}
