import { describe, expect, it } from 'vitest';
import { createTranscript, deserializeTranscript, generationHtml, reduce, serializeTranscript } from './reducer.js';
import type { Block, GenerationBlock, Message, Transcript } from './types.js';
import { NOTICE_TEXT } from './codes.js';
import { append, c, chunk, connectivity, lastBot, run, send, sendFailed } from './reducer.test-helper.js';

/** What the visitor sees of a message: generations by their HTML, not their LiveText. */
function visible(messages: readonly Message[]): unknown {
  return messages.map((m) =>
    m.role === 'user'
      ? m
      : {
          ...m,
          blocks: m.blocks.map((b: Block) => {
            if (b.kind !== 'generation') return b;
            const { live, ...rest } = b;
            return { ...rest, html: String(live) };
          }),
        },
  );
}

function rich(): Transcript {
  return run(createTranscript(), [
    send({ type: 'payload', payload: 'init', label: 'START' }),
    chunk(c.start()),
    chunk(c.text('<p class="slate-p">Hi 👋</p>')),
    chunk(c.text('caption', { caption: true })),
    chunk(c.image('https://x/i.png', 'alt')),
    chunk(c.video('https://x/v.mp4', 'v')),
    chunk(c.button('Yes', 'yes')),
    chunk(c.link('Call', 'tel:+39333')),
    chunk(c.carStart('k')),
    chunk({
      type: 'carousel.card.start',
      carouselId: 'k',
      cardIndex: 2,
      title: 'T',
      description: 'D',
      image: { src: 'https://x/c.png', alt: 'c' },
    }),
    chunk(c.cardStart('k', 1)),
    chunk(c.cardButton('k', 2, 'Buy', 'buy')),
    chunk(c.carEnd('k')),
    chunk(c.genStart('g')),
    chunk(c.genChunk('g', '**hi**', append(0, '<p><strong>hi</strong></p>'))),
    chunk(c.genEnd('g')),
    chunk(c.genStart('bad')),
    chunk(c.genChunk('bad', 'raw text', [{ command: 'del', value: 5 }])),
    chunk(c.end()),
    send({ type: 'profile', profile: { name: 'Ada' } }),
    chunk(c.start()),
    chunk(c.end()),
    send('question'),
    sendFailed(),
  ]);
}

describe('serializeTranscript / deserializeTranscript', () => {
  it('round-trips every block kind, user messages and the retry notice', () => {
    const t = rich();
    const back = deserializeTranscript(serializeTranscript(t));
    expect(back).not.toBeNull();
    expect(visible(back!.messages)).toEqual(visible(t.messages));
    expect(back!.notice).toEqual(t.notice);
    expect(back!.nextId).toBe(t.nextId);
    expect(back!.status).toBe('idle');
    const firstBot = back!.messages[1];
    if (firstBot?.role !== 'bot') throw new Error('expected the bot answer');
    const degraded = firstBot.blocks.find((b): b is GenerationBlock => b.kind === 'generation' && b.state === 'degraded');
    expect(degraded?.markdown).toBe('raw text');
    expect(degraded?.degradedReason).toBe('past-end');
    // Stable: saving the restored transcript gives the same text.
    expect(serializeTranscript(back!)).toBe(serializeTranscript(t));
  });

  it('a restored transcript keeps working, with fresh ids and the retry of the failed send', () => {
    const back = deserializeTranscript(serializeTranscript(rich()))!;
    const t = run(back, [send(back.notice!.retry!), chunk(c.start()), chunk(c.text('answer')), chunk(c.end())]);
    const ids = t.messages.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(t.messages[t.messages.length - 2]).toMatchObject({ role: 'user', text: 'question', status: 'sent' });
  });

  it('saves a streaming message as incomplete, with the incomplete notice', () => {
    const t = run(createTranscript(), [
      send('hi'),
      chunk(c.start()),
      chunk(c.genStart('g')),
      chunk(c.genChunk('g', 'ab', append(0, 'ab'))),
    ]);
    const back = deserializeTranscript(serializeTranscript(t))!;
    expect(lastBot(back).state).toBe('incomplete');
    const g = lastBot(back).blocks[0] as GenerationBlock;
    expect(g.state).toBe('done');
    expect(generationHtml(g)).toBe('ab');
    expect(back.notice).toMatchObject({ kind: 'incomplete', retry: { type: 'text', text: 'hi' } });
    // The live transcript itself is untouched by saving.
    expect(lastBot(t).state).toBe('streaming');
  });

  it('keeps the stopped mark of an answer the visitor stopped', () => {
    const t = reduce(run(createTranscript(), [send('hi'), chunk(c.start()), chunk(c.text('half'))]), {
      type: 'stream-aborted',
      reason: 'stopped',
      at: 3,
    });
    expect(lastBot(deserializeTranscript(serializeTranscript(t))!)).toMatchObject({ state: 'incomplete', stopped: true });
  });

  it('restores a rate-limited notice without its wait (the seconds are stale after a reload)', () => {
    const t = run(createTranscript(), [send('hi'), { type: 'send-failed', message: 'x', at: 1, retryAfter: 30 }]);
    expect(t.notice).toMatchObject({ code: 'rate-limited', retryAfter: 30 });
    const back = deserializeTranscript(serializeTranscript(t))!;
    expect(back.notice).toEqual({
      kind: 'send-failed',
      code: 'rate-limited',
      message: NOTICE_TEXT['rate-limited'],
      retry: { type: 'text', text: 'hi' },
    });
  });
  it('does not persist the offline notice', () => {
    const t = reduce(createTranscript(), connectivity(false));
    expect(deserializeTranscript(serializeTranscript(t))!.notice).toBeNull();
  });

  it('uses the delta unit of the options over the stored one', () => {
    const json = serializeTranscript(createTranscript({ deltaUnit: 'utf16' }));
    expect(deserializeTranscript(json)!.deltaUnit).toBe('utf16');
    expect(deserializeTranscript(json, { deltaUnit: 'codepoint' })!.deltaUnit).toBe('codepoint');
  });

  describe('returns null, never throws, on', () => {
    const good = JSON.parse(serializeTranscript(rich())) as Record<string, unknown> & { messages: Record<string, unknown>[] };
    const mutate = (f: (d: typeof good) => void): string => {
      const d = structuredClone(good);
      f(d);
      return JSON.stringify(d);
    };
    const bot = (d: typeof good): Record<string, unknown> & { blocks: Record<string, unknown>[] } =>
      d.messages[1] as Record<string, unknown> & { blocks: Record<string, unknown>[] };
    const cases: [string, string][] = [
      ['not JSON', '{oops'],
      ['empty string', ''],
      ['null', 'null'],
      ['an array', '[]'],
      ['another version', mutate((d) => (d.v = 2))],
      ['missing messages', mutate((d) => delete (d as Record<string, unknown>).messages)],
      ['a streaming bot message', mutate((d) => (bot(d).state = 'streaming'))],
      ['a text block with non-string html', mutate((d) => ((bot(d).blocks[0] as Record<string, unknown>).html = { toString: 1 }))],
      ['duplicate ids', mutate((d) => ((d.messages[1] as Record<string, unknown>).id = (d.messages[0] as Record<string, unknown>).id))],
      ['a malformed id', mutate((d) => ((d.messages[0] as Record<string, unknown>).id = 'x1'))],
      ['nextId not above the ids', mutate((d) => (d.nextId = 2))],
      ['a bad notice kind', mutate((d) => (d.notice = { kind: 'pwned', message: 'x' }))],
      ['a bad notice code', mutate((d) => (d.notice = { kind: 'error', code: 'pwned', message: 'x' }))],
      ['a message whose role is not a string', mutate((d) => ((d.messages[0] as Record<string, unknown>).role = 7))],
      ['a block whose kind is not a string', mutate((d) => ((bot(d).blocks[0] as Record<string, unknown>).kind = null))],
      ['a bad retry', mutate((d) => (d.notice = { kind: 'send-failed', message: 'x', retry: { type: 'exec' } }))],
      ['a non-finite time', mutate((d) => ((d.messages[0] as Record<string, unknown>).at = '1'))],
      ['a time past what a Date holds', mutate((d) => ((d.messages[1] as Record<string, unknown>).at = 8.64e15 + 1))],
      [
        'unsorted cards',
        mutate((d) => {
          const k = bot(d).blocks.find((b) => b.kind === 'carousel') as { cards: unknown[] };
          k.cards.reverse();
        }),
      ],
      [
        'too many actions',
        mutate((d) => {
          const a = bot(d).blocks.find((b) => b.kind === 'actions') as { actions: unknown[] };
          a.actions = Array.from({ length: 11 }, () => ({ type: 'button', label: 'x', payload: 'x' }));
        }),
      ],
      ['a profile with a non-string value', mutate((d) => (d.lastSent = { type: 'profile', profile: { a: 1 } }))],
    ];
    for (const [name, json] of cases) {
      it(name, () => {
        expect(() => deserializeTranscript(json)).not.toThrow();
        expect(deserializeTranscript(json)).toBeNull();
      });
    }
    it('a string too long for the caps', () => {
      const json = serializeTranscript(run(createTranscript(), [send('q'), chunk(c.text('x'.repeat(200))), chunk(c.end())]));
      expect(deserializeTranscript(json, { maxReplyChars: 100 })).toBeNull();
      expect(deserializeTranscript(json)).not.toBeNull();
    });
  });

  describe("a newer version's kinds cost only themselves", () => {
    const good = JSON.parse(serializeTranscript(rich())) as { messages: Record<string, unknown>[] } & Record<string, unknown>;
    const blocksOf = (d: typeof good, i: number) => (d.messages[i] as { blocks: Record<string, unknown>[] }).blocks;
    it('a block of unknown kind is left out; the message and the transcript stay', () => {
      const d = structuredClone(good);
      const before = blocksOf(d, 1).length;
      blocksOf(d, 1)[0]!.kind = 'hologram';
      const t = deserializeTranscript(JSON.stringify(d));
      expect(t).not.toBeNull();
      expect(t!.messages).toHaveLength(good.messages.length);
      const bot = t!.messages[1]!;
      expect(bot.role === 'bot' && bot.blocks.length).toBe(before - 1);
      expect(bot.role === 'bot' && bot.blocks.map((b) => b.id)).toEqual(
        blocksOf(good, 1)
          .slice(1)
          .map((b) => b.id),
      );
    });
    it('a message of unknown role is left out; the others stay', () => {
      const d = structuredClone(good);
      d.messages.splice(1, 0, { role: 'system', id: 'm900', text: 'from the future', at: 1 });
      const t = deserializeTranscript(JSON.stringify(d));
      expect(t!.messages.map((m) => m.id)).toEqual(good.messages.map((m) => m.id));
    });
    it('a bot message whose every block is unknown is left out', () => {
      const d = structuredClone(good);
      for (const b of blocksOf(d, 1)) b.kind = 'hologram';
      const t = deserializeTranscript(JSON.stringify(d));
      expect(t!.messages.map((m) => m.id)).toEqual(good.messages.filter((_, i) => i !== 1).map((m) => m.id));
    });
    it('a notice saved before codes existed is read by its kind', () => {
      const d = structuredClone(good);
      d.notice = { kind: 'timeout', message: 'The assistant took too long to answer. This answer may be incomplete.' };
      expect(deserializeTranscript(JSON.stringify(d))!.notice).toEqual({ kind: 'timeout', code: 'timeout', message: NOTICE_TEXT.timeout });
      d.notice = { kind: 'error', message: 'Upstream said no.' };
      expect(deserializeTranscript(JSON.stringify(d))!.notice).toMatchObject({ code: 'relay-error', message: 'Upstream said no.' });
    });
    it("a stored notice text is not trusted except the relay's own message", () => {
      const d = structuredClone(good);
      d.notice = { kind: 'send-failed', code: 'send-failed', message: 'Call +1 555 to claim your prize' };
      expect(deserializeTranscript(JSON.stringify(d))!.notice?.message).toBe(NOTICE_TEXT['send-failed']);
    });
  });

  it('a __proto__ profile key stays a plain key', () => {
    const json =
      '{"v":1,"deltaUnit":"grapheme","nextId":1,"notice":null,"messages":[],"lastSent":{"type":"profile","profile":{"__proto__":"x"}}}';
    const t = deserializeTranscript(json)!;
    expect(t).not.toBeNull();
    const retried = reduce(reduce(t, send(t.turn!.sent!)), sendFailed());
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(retried.notice?.retry).toMatchObject({ type: 'profile' });
  });
});
