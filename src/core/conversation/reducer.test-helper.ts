/**
 * Builders for the reducer's tests: events, chunks, and runs of events. Test-only (not
 * exported from the package).
 */
import type { Chunk, Delta, OutgoingData } from '../protocol/types.js';
import type { BotMessage, ConversationEvent, Transcript, UserMessage } from './types.js';
import { reduce } from './reducer.js';

let clock = 1000;
/** A monotonically increasing fake clock, so `at` values are distinct. */
export const tick = (): number => (clock += 1);

export const chunk = (c: Chunk, at = tick()): ConversationEvent => ({ type: 'chunk', chunk: c, at });
export const send = (data: OutgoingData | string, at = tick()): ConversationEvent => ({
  type: 'send',
  data: typeof data === 'string' ? { type: 'text', text: data } : data,
  at,
});
export const ended = (at = tick()): ConversationEvent => ({ type: 'stream-ended', at });
export const timeout = (at = tick()): ConversationEvent => ({ type: 'stream-timeout', at });
export const aborted = (at = tick()): ConversationEvent => ({ type: 'stream-aborted', at });
export const sendFailed = (message = 'HTTP 502', at = tick()): ConversationEvent => ({ type: 'send-failed', message, at });
export const connectivity = (online: boolean, at = tick()): ConversationEvent => ({ type: 'connectivity', online, at });

/** Chunk builders in the normalised shape parseChunk produces. */
export const c = {
  start: (): Chunk => ({ type: 'processing.start' }),
  end: (): Chunk => ({ type: 'processing.end' }),
  text: (text: string, o: { caption?: boolean; generated?: boolean } = {}): Chunk => ({
    type: 'text',
    text,
    isCaption: o.caption ?? false,
    isGenerated: o.generated ?? false,
  }),
  image: (src: string, alt = ''): Chunk => ({ type: 'image', src, alt }),
  video: (src: string, alt = ''): Chunk => ({ type: 'video', src, alt }),
  button: (label: string, payload = label.toLowerCase()): Chunk => ({ type: 'button', label, payload }),
  link: (label: string, url: string): Chunk => ({ type: 'link', label, url }),
  genStart: (id: string): Chunk => ({ type: 'generation.start', generationId: id }),
  genChunk: (id: string, text: string, deltas: readonly Delta[]): Chunk => ({
    type: 'generation.chunk',
    generationId: id,
    chunk: text,
    deltas,
  }),
  genEnd: (id: string): Chunk => ({ type: 'generation.end', generationId: id }),
  carStart: (id: string): Chunk => ({ type: 'carousel.start', carouselId: id }),
  carEnd: (id: string): Chunk => ({ type: 'carousel.end', carouselId: id }),
  cardStart: (id: string, cardIndex: number, title = `Card ${cardIndex}`): Chunk => ({
    type: 'carousel.card.start',
    carouselId: id,
    cardIndex,
    title,
    description: `About ${title}`,
    image: null,
  }),
  cardEnd: (id: string, cardIndex: number): Chunk => ({ type: 'carousel.card.end', carouselId: id, cardIndex }),
  cardButton: (id: string, cardIndex: number, label: string, payload = label): Chunk => ({
    type: 'carousel.card.button',
    carouselId: id,
    cardIndex,
    label,
    payload,
  }),
  cardLink: (id: string, cardIndex: number, label: string, url: string): Chunk => ({
    type: 'carousel.card.link',
    carouselId: id,
    cardIndex,
    label,
    url,
  }),
  error: (message = 'The assistant is unavailable.'): Chunk => ({ type: 'error', code: 'upstream_unavailable', message }),
  unknown: (wireType: string, reason: string): Chunk => ({ type: 'unknown', wireType, reason, raw: { type: wireType } }),
};

/** Deltas that append `s` to a text currently `len` units long. */
export const append = (len: number, s: string): Delta[] =>
  len > 0
    ? [
        { command: 'mov', value: len },
        { command: 'ins', value: s },
      ]
    : [{ command: 'ins', value: s }];

export function run(t: Transcript, events: readonly ConversationEvent[]): Transcript {
  return events.reduce(reduce, t);
}

export function lastBot(t: Transcript): BotMessage {
  for (let i = t.messages.length - 1; i >= 0; i--) {
    const m = t.messages[i];
    if (m && m.role === 'bot') return m;
  }
  throw new Error('no bot message');
}

export function lastUser(t: Transcript): UserMessage {
  for (let i = t.messages.length - 1; i >= 0; i--) {
    const m = t.messages[i];
    if (m && m.role === 'user') return m;
  }
  throw new Error('no user message');
}
