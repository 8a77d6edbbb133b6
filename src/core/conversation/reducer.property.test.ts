import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseChunk } from '../protocol/parse.js';
import type { Chunk, Delta } from '../protocol/types.js';
import { createTranscript, deserializeTranscript, reduce, serializeTranscript } from './reducer.js';
import type { Block, ConversationEvent, Message, Transcript } from './types.js';

/**
 * Random runs of valid and hostile events. Invariants checked after every event:
 * reduce never throws; finished messages never change what they show (only a last one
 * that showed nothing may be dropped); the open message only grows (texts kept, raw only appended, actions and cards only added); caps hold;
 * and the final transcript survives a save/restore round trip.
 */

const gid = fc.constantFrom('g1', '2');
const kid = fc.constantFrom('k1', 'k2');
const text = fc.oneof(fc.constantFrom('', ' ', '<p>hi</p>', '👍🏽', 'e\u0301', '<b>x</b>\n\n'), fc.string({ maxLength: 12 }));
const delta: fc.Arbitrary<Delta> = fc.oneof(
  fc.record({ command: fc.constantFrom('mov', 'del'), value: fc.oneof(fc.nat(6), fc.integer({ min: -2, max: 50 }), fc.constant('x')) }),
  fc.record({ command: fc.constant('ins'), value: fc.oneof(text, fc.nat()) }),
  fc.record({ command: fc.string({ maxLength: 4 }), value: fc.anything() }),
);

const chunkArb: fc.Arbitrary<Chunk> = fc.oneof(
  fc.constant<Chunk>({ type: 'processing.start' }),
  fc.constant<Chunk>({ type: 'processing.end' }),
  fc.record({ type: fc.constant('text' as const), text, isCaption: fc.boolean(), isGenerated: fc.boolean() }),
  fc.record({ type: fc.constantFrom('image' as const, 'video' as const), src: text, alt: text }),
  fc.record({ type: fc.constant('button' as const), label: text, payload: text }),
  fc.record({ type: fc.constant('link' as const), label: text, url: text }),
  fc.record({ type: fc.constantFrom('generation.start' as const, 'generation.end' as const), generationId: gid }),
  fc.record({ type: fc.constant('generation.chunk' as const), generationId: gid, chunk: text, deltas: fc.array(delta, { maxLength: 3 }) }),
  fc.record({ type: fc.constantFrom('carousel.start' as const, 'carousel.end' as const), carouselId: kid }),
  fc.record({
    type: fc.constant('carousel.card.start' as const),
    carouselId: kid,
    cardIndex: fc.integer({ min: 0, max: 12 }),
    title: text,
    description: text,
    image: fc.constantFrom(null, { src: 'https://x/i.png', alt: '' }),
  }),
  fc.record({ type: fc.constant('carousel.card.end' as const), carouselId: kid, cardIndex: fc.integer({ min: 0, max: 12 }) }),
  fc.record({
    type: fc.constant('carousel.card.button' as const),
    carouselId: kid,
    cardIndex: fc.integer({ min: 1, max: 3 }),
    label: text,
    payload: text,
  }),
  fc.record({
    type: fc.constant('carousel.card.link' as const),
    carouselId: kid,
    cardIndex: fc.integer({ min: 1, max: 3 }),
    label: text,
    url: text,
  }),
  fc.record({ type: fc.constant('error' as const), code: text, message: text }),
);

/** Steps of a run: events, plus "append to generation" resolved against the current text so valid deltas are common. */
type Step =
  { e: ConversationEvent } | { append: string; to: string } | { degrade: string; to: string } | { wire: unknown } | { hostile: unknown };

const at = fc.integer({ min: 0, max: 1e9 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ e: fc.record({ type: fc.constant('chunk' as const), chunk: chunkArb, at }) }) },
  { weight: 5, arbitrary: fc.record({ append: text, to: gid }) },
  { weight: 1, arbitrary: fc.record({ degrade: text, to: gid }) },
  {
    weight: 1,
    arbitrary: fc.record({
      e: fc.record({
        type: fc.constant('send' as const),
        data: fc.oneof(
          fc.record({ type: fc.constant('text' as const), text }),
          fc.record({ type: fc.constant('payload' as const), payload: text }),
          fc.record({
            type: fc.constant('profile' as const),
            profile: fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 })),
          }),
        ),
        at,
      }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      e: fc.oneof(
        fc.record({ type: fc.constantFrom('stream-ended' as const, 'stream-aborted' as const, 'stream-timeout' as const), at }),
        fc.record({ type: fc.constant('send-failed' as const), message: text, at }),
        fc.record({ type: fc.constant('connectivity' as const), online: fc.boolean(), at }),
      ),
    }),
  },
  // Wire objects through the real parser (unknown types, wrong field types, ...).
  {
    weight: 1,
    arbitrary: fc.record({
      wire: fc.oneof(
        fc.object(),
        fc.record({ type: fc.constantFrom('text', 'button', 'generation.chunk', 'carousel.card.start'), data: fc.anything() }),
      ),
    }),
  },
  // Objects that never went through the parser: the reducer must defend itself.
  {
    weight: 1,
    arbitrary: fc.record({
      hostile: fc.oneof(fc.anything(), fc.record({ type: fc.constant('chunk'), chunk: fc.anything(), at: fc.anything() })),
    }),
  },
);

function toEvent(t: Transcript, s: Step): ConversationEvent {
  if ('e' in s) return s.e;
  if ('wire' in s) return { type: 'chunk', chunk: parseChunk(s.wire), at: 1 };
  if ('hostile' in s) return s.hostile as ConversationEvent;
  if ('degrade' in s) {
    const deltas: Delta[] = [{ command: 'mov', value: 1e6 }];
    return { type: 'chunk', chunk: { type: 'generation.chunk', generationId: s.to, chunk: s.degrade, deltas }, at: 3 };
  }
  const last = t.messages[t.messages.length - 1];
  const g = last?.role === 'bot' ? last.blocks.find((b) => b.kind === 'generation' && b.generationId === s.to) : undefined;
  const len = g?.kind === 'generation' ? g.live.length : 0;
  const deltas: Delta[] =
    len > 0
      ? [
          { command: 'mov', value: len },
          { command: 'ins', value: s.append },
        ]
      : [{ command: 'ins', value: s.append }];
  return { type: 'chunk', chunk: { type: 'generation.chunk', generationId: s.to, chunk: s.append, deltas }, at: 2 };
}

/** What a finished message shows. */
function shown(m: Message): unknown {
  if (m.role === 'user') return m.text;
  return m.blocks.map((b) =>
    b.kind === 'generation' ? { raw: b.markdown, html: String(b.live), state: b.state === 'degraded' } : stripState(b),
  );
}

function stripState(b: Block): unknown {
  if (b.kind !== 'carousel') return b;
  return { ...b, state: undefined, cards: b.cards.map((c) => ({ ...c, state: undefined })) };
}

function checkGrowth(prev: Message, next: Message | undefined): void {
  expect(next?.id).toBe(prev.id);
  if (prev.role === 'user' || next?.role !== 'bot') {
    expect(next?.role === 'user' ? next.text : undefined).toBe(prev.role === 'user' ? prev.text : undefined);
    return;
  }
  for (const b of prev.blocks) {
    const nb = next.blocks.find((x) => x.id === b.id);
    expect(nb?.kind).toBe(b.kind);
    if (!nb) continue;
    if (b.kind === 'generation' && nb.kind === 'generation') {
      expect(nb.markdown.startsWith(b.markdown)).toBe(true);
      if (b.state === 'degraded') expect(String(nb.live)).toBe(String(b.live));
    } else if (b.kind === 'actions' && nb.kind === 'actions') {
      expect(nb.actions.slice(0, b.actions.length)).toEqual(b.actions);
    } else if (b.kind === 'carousel' && nb.kind === 'carousel') {
      for (const card of b.cards) {
        const nc = nb.cards.find((x) => x.index === card.index);
        expect(nc).toMatchObject({ title: card.title, description: card.description, image: card.image });
        expect(nc?.actions.slice(0, card.actions.length)).toEqual(card.actions);
      }
    } else {
      expect(nb).toEqual(b);
    }
  }
}

/** A bot message that shows nothing: no block, or only generations without text. */
const showsNothing = (m: Message | undefined): boolean =>
  m?.role === 'bot' && m.blocks.every((b) => b.kind === 'generation' && b.markdown === '' && b.live.length === 0);

function checkStep(prev: Transcript, next: Transcript): void {
  const limits = next.limits!;
  // Only a last message that showed nothing may go (an answer that ended without content).
  const dropped =
    next.messages.length < prev.messages.length ||
    (showsNothing(prev.messages.at(-1)) && next.messages.at(prev.messages.length - 1)?.id !== prev.messages.at(-1)?.id);
  if (dropped) {
    expect(showsNothing(prev.messages.at(-1))).toBe(true);
    prev = { ...prev, messages: prev.messages.slice(0, -1) };
  }
  expect(next.messages.length).toBeGreaterThanOrEqual(prev.messages.length);
  prev.messages.forEach((m, i) => {
    if (i < prev.messages.length - 1) {
      const n = next.messages[i]!;
      expect(n.id).toBe(m.id);
      expect(shown(n)).toEqual(shown(m));
    } else {
      checkGrowth(m, next.messages[i]);
    }
  });
  expect(next.warnings.length).toBeLessThanOrEqual(limits.maxWarnings);
  expect(next.warningCount).toBeGreaterThanOrEqual(prev.warningCount);
  for (const m of next.messages) {
    if (m.role !== 'bot') continue;
    for (const b of m.blocks) {
      if (b.kind === 'actions') expect(b.actions.length).toBeLessThanOrEqual(limits.maxActions);
      if (b.kind === 'carousel') {
        expect(b.cards.length).toBeLessThanOrEqual(limits.maxCards);
        expect(b.cards.map((c) => c.index)).toEqual([...b.cards.map((c) => c.index)].sort((x, y) => x - y));
      }
    }
  }
}

describe('reduce under random valid and hostile events', () => {
  it('never throws, never loses what was shown, and round-trips through storage', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { maxLength: 60 }),
        fc.constantFrom<'grapheme' | 'codepoint' | 'utf16'>('grapheme', 'codepoint', 'utf16'),
        (steps, unit) => {
          let t = createTranscript({ deltaUnit: unit, maxMessageChars: 200, maxReplyChars: 400, maxWarnings: 5 });
          for (const s of steps) {
            const e = toEvent(t, s);
            const next = reduce(t, e);
            checkStep(t, next);
            t = next;
          }
          const back = deserializeTranscript(serializeTranscript(t), { maxMessageChars: 200, maxReplyChars: 400 });
          expect(back).not.toBeNull();
          expect(back!.messages.map(shown)).toEqual(
            t.messages.map((m) => {
              const s = shown(m);
              return s;
            }),
          );
        },
      ),
      { numRuns: 400 },
    );
  });
});
