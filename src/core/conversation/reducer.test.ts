import { describe, expect, it } from 'vitest';
import { parseChunk } from '../protocol/parse.js';
import { activeActionsBlockId, createTranscript, generationHtml, reduce } from './reducer.js';
import { NOTICE_TEXT } from './codes.js';
import type { ActionsBlock, CarouselBlock, ConversationEvent, GenerationBlock, TextBlock, Transcript } from './types.js';
import {
  aborted,
  append,
  c,
  chunk,
  connectivity,
  ended,
  lastBot,
  lastUser,
  run,
  send,
  sendFailed,
  timeout,
} from './reducer.test-helper.js';

const fresh = (): Transcript => createTranscript();
/** A transcript where "hi" was sent and processing.start arrived. */
const asked = (t = fresh()): Transcript => run(t, [send('hi'), chunk(c.start())]);
const gen = (t: Transcript, i = 0): GenerationBlock => {
  const b = lastBot(t).blocks[i];
  if (!b || b.kind !== 'generation') throw new Error(`block ${i} is ${b?.kind}`);
  return b;
};
const codes = (t: Transcript): string[] => t.warnings.map((w) => w.code);

describe('createTranscript', () => {
  it('starts empty and idle with the grapheme unit', () => {
    const t = fresh();
    expect(t.messages).toEqual([]);
    expect(t.status).toBe('idle');
    expect(t.notice).toBeNull();
    expect(t.deltaUnit).toBe('grapheme');
  });
  it('takes a delta unit and ignores a bogus one', () => {
    expect(createTranscript({ deltaUnit: 'utf16' }).deltaUnit).toBe('utf16');
    expect(createTranscript({ deltaUnit: 'bytes' as never }).deltaUnit).toBe('grapheme');
  });
});

describe('send', () => {
  it('given an idle transcript, when text is sent, then a user message appears and status is waiting', () => {
    const t = reduce(fresh(), send('Hello'));
    expect(t.messages).toHaveLength(1);
    expect(lastUser(t)).toMatchObject({ role: 'user', text: 'Hello', status: 'sent', data: { type: 'text', text: 'Hello' } });
    expect(t.status).toBe('waiting');
  });
  it('shows a payload by its label, falling back to the payload', () => {
    const t = run(fresh(), [send({ type: 'payload', payload: 'init', label: 'START' }), send({ type: 'payload', payload: 'faq' })]);
    expect(t.messages.map((m) => (m.role === 'user' ? m.text : ''))).toEqual(['START', 'faq']);
  });
  it('adds no visible message for a profile send but still waits for the answer', () => {
    const t = reduce(fresh(), send({ type: 'profile', profile: { name: 'Ada' } }));
    expect(t.messages).toHaveLength(0);
    expect(t.status).toBe('waiting');
  });
  it('adds no visible message for a silent send (the welcome payload) but offers its retry', () => {
    const t = run(fresh(), [{ type: 'send', data: { type: 'payload', payload: 'init', label: 'START' }, at: 1, silent: true }, ended()]);
    expect(t.messages).toHaveLength(0);
    expect(t.notice?.retry).toEqual({ type: 'payload', payload: 'init', label: 'START' });
  });
  it('clears the notice', () => {
    const t = run(fresh(), [send('a'), sendFailed(), send('b')]);
    expect(t.notice).toBeNull();
  });
  it('finalises a still-streaming bot message as incomplete', () => {
    const t = run(asked(), [chunk(c.text('<p>partial</p>')), send('next')]);
    const bot = t.messages[1];
    expect(bot).toMatchObject({ role: 'bot', state: 'incomplete' });
    expect(t.status).toBe('waiting');
  });
  it('ignores malformed data with a warning', () => {
    const t0 = fresh();
    const t = reduce(t0, { type: 'send', data: { type: 'text', text: 42 } as never, at: 1 });
    expect(t.messages).toHaveLength(0);
    expect(codes(t)).toEqual(['invalid-chunk']);
  });
});

describe('processing.start / processing.end', () => {
  it('given a send, when processing.start arrives, then an empty streaming bot message opens and typing shows', () => {
    const t = asked();
    expect(lastBot(t)).toMatchObject({ state: 'streaming', blocks: [] });
    expect(t.status).toBe('waiting');
  });
  it('is idempotent for a duplicate processing.start', () => {
    const t = asked();
    expect(reduce(t, chunk(c.start()))).toBe(t);
  });
  it('keeps waiting (typing shown) while a generation has no text yet', () => {
    const t1 = reduce(asked(), chunk(c.genStart('g')));
    expect(t1.status).toBe('waiting');
    expect(reduce(t1, chunk(c.genChunk('g', 'H', append(0, 'H')))).status).toBe('streaming');
  });
  it('switches to streaming at the first content', () => {
    const t = reduce(asked(), chunk(c.text('<p>Hi</p>')));
    expect(t.status).toBe('streaming');
  });
  it('given an open answer, when processing.end arrives, then it is done and status idle', () => {
    const t = run(asked(), [
      chunk(c.text('<p>Hi</p>')),
      chunk(c.genStart('g')),
      chunk(c.carStart('k')),
      chunk(c.cardStart('k', 1)),
      chunk(c.end()),
    ]);
    const bot = lastBot(t);
    expect(bot.state).toBe('done');
    expect(bot.blocks.map((b) => ('state' in b ? b.state : 'n/a'))).toEqual(['n/a', 'done', 'done']);
    expect((bot.blocks[2] as CarouselBlock).cards[0]?.state).toBe('done');
    expect(t.status).toBe('idle');
  });
  it('a duplicate processing.end changes nothing', () => {
    const t = run(asked(), [chunk(c.text('x')), chunk(c.end())]);
    expect(reduce(t, chunk(c.end()))).toBe(t);
  });
  it('a new processing.start after processing.end opens a new turn', () => {
    const t = run(asked(), [chunk(c.text('one')), chunk(c.end()), chunk(c.start()), chunk(c.text('two'))]);
    expect(t.messages).toHaveLength(3);
    expect((lastBot(t).blocks[0] as TextBlock).html).toBe('two');
  });
});

describe('content chunks', () => {
  it('open a bot message implicitly when processing.start is missing', () => {
    const t = run(fresh(), [send('hi'), chunk(c.text('<p>Hello</p>'))]);
    expect(t.messages).toHaveLength(2);
    expect(lastBot(t).blocks).toEqual([{ kind: 'text', id: expect.any(String), html: '<p>Hello</p>', caption: false, generated: false }]);
  });
  it('text with isCaption becomes a caption block', () => {
    const t = reduce(asked(), chunk(c.text('small print', { caption: true })));
    expect(lastBot(t).blocks[0]).toMatchObject({ kind: 'text', caption: true });
  });
  it('image and video become media blocks', () => {
    const t = run(asked(), [chunk(c.image('https://x/i.png', 'an image')), chunk(c.video('https://x/v.mp4', 'a video'))]);
    expect(lastBot(t).blocks).toMatchObject([
      { kind: 'image', src: 'https://x/i.png', alt: 'an image' },
      { kind: 'video', src: 'https://x/v.mp4', alt: 'a video' },
    ]);
  });
  it('consecutive buttons and links merge into one actions block', () => {
    const t = run(asked(), [chunk(c.button('Yes', 'yes')), chunk(c.link('Site', 'https://indigo.ai')), chunk(c.button('No', 'no'))]);
    const blocks = lastBot(t).blocks;
    expect(blocks).toHaveLength(1);
    expect((blocks[0] as ActionsBlock).actions).toEqual([
      { type: 'button', label: 'Yes', payload: 'yes' },
      { type: 'link', label: 'Site', url: 'https://indigo.ai' },
      { type: 'button', label: 'No', payload: 'no' },
    ]);
  });
  it('a text between buttons starts a new actions block', () => {
    const t = run(asked(), [chunk(c.button('A')), chunk(c.text('t')), chunk(c.button('B'))]);
    expect(lastBot(t).blocks.map((b) => b.kind)).toEqual(['actions', 'text', 'actions']);
  });
  it('an empty label falls back to the payload so the button is never blank', () => {
    const t = reduce(asked(), chunk(c.button(' ', 'menu')));
    expect((lastBot(t).blocks[0] as ActionsBlock).actions[0]).toEqual({ type: 'button', label: 'menu', payload: 'menu' });
  });
  it('after processing.end a late content chunk is ignored with a warning', () => {
    const t0 = run(asked(), [chunk(c.text('done')), chunk(c.end())]);
    const t = reduce(t0, chunk(c.text('late')));
    expect(t.messages).toBe(t0.messages);
    expect(codes(t)).toEqual(['ignored-chunk']);
    // Repeats of the same problem in the turn warn once.
    expect(reduce(t, chunk(c.image('https://x/late.png')))).toBe(t);
  });
  it('ids are unique and come from nextId', () => {
    const t = run(asked(), [chunk(c.text('a')), chunk(c.image('https://x/i.png')), chunk(c.button('b'))]);
    const ids = [...t.messages.map((m) => m.id), ...lastBot(t).blocks.map((b) => b.id)];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[mb]\d+$/);
    expect(t.nextId).toBeGreaterThan(Math.max(...ids.map((id) => Number(id.slice(1)))));
  });
  it('unknown chunk types are skipped silently, malformed known ones warn', () => {
    const t0 = asked();
    expect(reduce(t0, chunk(c.unknown('typing.indicator', 'unknown type')))).toBe(t0);
    const t = reduce(t0, chunk(c.unknown('image', 'data.src is not a string')));
    expect(t.messages).toBe(t0.messages);
    expect(codes(t)).toEqual(['invalid-chunk']);
  });
  it('a known chunk with wrong field types (not from parseChunk) is refused, not thrown', () => {
    const t0 = asked();
    const t = reduce(t0, chunk({ type: 'text', text: null } as never));
    expect(t.messages).toBe(t0.messages);
    expect(codes(t)).toEqual(['invalid-chunk']);
  });
});

describe('generations', () => {
  const streamed = (parts: string[], id = 'g1', t = asked()): Transcript => {
    let html = '';
    const events = [chunk(c.genStart(id))];
    for (const p of parts) {
      events.push(chunk(c.genChunk(id, p, append(html.length, p))));
      html += p;
    }
    return run(t, events);
  };

  it('given a started generation, when chunks arrive, then deltas build the HTML and raw accumulates', () => {
    const t = streamed(['<p>Hel', 'lo</p>']);
    const g = gen(t);
    expect(generationHtml(g)).toBe('<p>Hello</p>');
    expect(g.markdown).toBe('<p>Hello</p>');
    expect(g.state).toBe('streaming');
    expect(t.status).toBe('streaming');
  });
  it('deltas may rewrite earlier HTML (del) while raw keeps the model text', () => {
    let t = run(asked(), [chunk(c.genStart('g')), chunk(c.genChunk('g', '**bo', [{ command: 'ins', value: '<p>**bo</p>' }]))]);
    t = reduce(
      t,
      chunk(
        c.genChunk('g', 'ld**', [
          { command: 'mov', value: 3 },
          { command: 'del', value: 4 },
          { command: 'ins', value: '<strong>bold</strong>' },
        ]),
      ),
    );
    expect(generationHtml(gen(t))).toBe('<p><strong>bold</strong></p>');
    expect(gen(t).markdown).toBe('**bold**');
  });
  it('a duplicate generation.start is idempotent', () => {
    const t = streamed(['abc']);
    expect(reduce(t, chunk(c.genStart('g1')))).toBe(t);
  });
  it('generation.end marks it done; later chunks for it are ignored with a warning', () => {
    const t0 = run(streamed(['abc']), [chunk(c.genEnd('g1'))]);
    expect(gen(t0).state).toBe('done');
    const t = reduce(t0, chunk(c.genChunk('g1', 'd', append(3, 'd'))));
    expect(t.messages).toBe(t0.messages);
    expect(codes(t)).toEqual(['ignored-chunk']);
    expect(reduce(t0, chunk(c.genEnd('g1')))).toBe(t0);
  });
  it('chunks for an unknown generation are ignored with a warning', () => {
    const t0 = streamed(['abc']);
    const t = reduce(t0, chunk(c.genChunk('nope', 'x', [{ command: 'ins', value: 'x' }])));
    expect(t.messages).toBe(t0.messages);
    expect(codes(t)).toEqual(['ignored-chunk']);
    expect(codes(reduce(t0, chunk(c.genEnd('nope'))))).toEqual(['ignored-chunk']);
  });
  it('given an invalid delta mid-generation, then it degrades, keeps raw and HTML, and warns once', () => {
    const t1 = streamed(['<p>abc']);
    const t2 = reduce(t1, chunk(c.genChunk('g1', 'def', [{ command: 'mov', value: 999 }])));
    const g2 = gen(t2);
    expect(g2.state).toBe('degraded');
    expect(g2.degradedReason).toBe('past-end');
    expect(g2.markdown).toBe('<p>abcdef');
    expect(generationHtml(g2)).toBe('<p>abc'); // nothing shown before is lost
    expect(codes(t2)).toEqual(['degraded-generation']);
    // Later chunks: deltas ignored (even valid ones), raw keeps growing, no new warning.
    const t3 = reduce(t2, chunk(c.genChunk('g1', 'ghi', append(6, 'ghi'))));
    expect(gen(t3).markdown).toBe('<p>abcdefghi');
    expect(generationHtml(gen(t3))).toBe('<p>abc');
    expect(gen(t3).state).toBe('degraded');
    expect(t3.warningCount).toBe(1);
    // A degraded generation stays degraded at its end.
    expect(gen(run(t3, [chunk(c.genEnd('g1')), chunk(c.end())])).state).toBe('degraded');
  });
  it('ended degraded generations ignore further chunks', () => {
    const t0 = run(streamed(['a']), [chunk(c.genChunk('g1', 'b', 'oops' as never)), chunk(c.genEnd('g1'))]);
    const t = reduce(t0, chunk(c.genChunk('g1', 'c', [])));
    expect(gen(t).markdown).toBe('ab');
  });
  it('respects the configured delta unit', () => {
    // "👍🏽" is 1 grapheme, 2 code points, 4 UTF-16 units.
    const first = [{ command: 'ins', value: '👍🏽' }];
    const runWith = (unit: 'grapheme' | 'codepoint' | 'utf16', n: number): string =>
      generationHtml(
        gen(
          run(asked(createTranscript({ deltaUnit: unit })), [
            chunk(c.genStart('g')),
            chunk(c.genChunk('g', '👍🏽', first)),
            chunk(
              c.genChunk('g', '!', [
                { command: 'mov', value: n },
                { command: 'ins', value: '!' },
              ]),
            ),
          ]),
        ),
      );
    expect(runWith('grapheme', 1)).toBe('👍🏽!');
    expect(runWith('codepoint', 2)).toBe('👍🏽!');
    expect(runWith('utf16', 4)).toBe('👍🏽!');
    // The grapheme offset read as UTF-16 lands inside the emoji: refused, not corrupted.
    const wrong = run(asked(createTranscript({ deltaUnit: 'utf16' })), [
      chunk(c.genStart('g')),
      chunk(c.genChunk('g', '👍🏽', first)),
      chunk(c.genChunk('g', '!', [{ command: 'mov', value: 5 }])),
    ]);
    expect(gen(wrong).state).toBe('degraded');
  });
  it('an is_generated text equal to the ended generation replaces its rendering, no duplicate', () => {
    const t0 = run(streamed(['<p>Hello\n', '<b>world</b></p>']), [chunk(c.genEnd('g1'))]);
    const before = gen(t0);
    const t = reduce(t0, chunk(c.text('<p>Hello <b>world</b></p>', { generated: true })));
    const bot = lastBot(t);
    expect(bot.blocks).toHaveLength(1);
    const g = gen(t);
    expect(g.id).toBe(before.id); // same block: the view morphs, no flash
    expect(g.state).toBe('done');
    expect(generationHtml(g)).toBe('<p>Hello <b>world</b></p>');
    expect(g.markdown).toBe(before.markdown);
  });
  it('an is_generated text serialized differently (the platform\'s class="slate-p", <strong> for <b>) still replaces it', () => {
    const t0 = run(streamed(['<p>Hello <b>world</b></p>\n<ul><li>one</li></ul>']), [chunk(c.genEnd('g1'))]);
    const final = '<p class="slate-p">Hello <strong>world</strong></p><ul class="slate-ul"><li class="slate-li">one</li></ul>';
    const t = reduce(t0, chunk(c.text(final, { generated: true })));
    expect(lastBot(t).blocks.map((b) => b.kind)).toEqual(['generation']);
    expect(gen(t).id).toBe(gen(t0).id);
    expect(generationHtml(gen(t))).toBe(final);
  });
  it('an is_generated text whose character references are spelled otherwise (&#39; for \', &quot; for ") still replaces it', () => {
    const t0 = run(streamed(['<p>It&#39;s &quot;ok&quot; &amp; fine</p>']), [chunk(c.genEnd('g1'))]);
    const t = reduce(t0, chunk(c.text('<p>It\'s "ok" &amp; fine</p>', { generated: true })));
    expect(lastBot(t).blocks.map((b) => b.kind)).toEqual(['generation']);
    expect(generationHtml(gen(t))).toBe('<p>It\'s "ok" &amp; fine</p>');
    // Different words are still a different text.
    const other = reduce(t0, chunk(c.text('<p>It\'s "not" &amp; fine</p>', { generated: true })));
    expect(lastBot(other).blocks.map((b) => b.kind)).toEqual(['generation', 'text']);
  });
  it('an is_generated text with different content is added as a normal text block', () => {
    const t0 = run(streamed(['<p>Hello</p>']), [chunk(c.genEnd('g1'))]);
    const t = reduce(t0, chunk(c.text('<p>Something else</p>', { generated: true })));
    expect(lastBot(t).blocks.map((b) => b.kind)).toEqual(['generation', 'text']);
    expect(lastBot(t).blocks[1]).toMatchObject({ generated: true, html: '<p>Something else</p>' });
    expect(lastBot(t).blocks[0]).toBe(lastBot(t0).blocks[0]);
  });
  it('a generation whose chunks came without deltas shows its text plain at its end, not an empty bubble', () => {
    const noDeltas = (text: string) => chunk(parseChunk({ type: 'generation.chunk', data: { chunk: text, generation_id: 'g1' } }));
    const t1 = run(asked(), [chunk(c.genStart('g1')), noDeltas('Hello '), noDeltas('**world**')]);
    expect(gen(t1).state, 'a chunk without deltas is not refused by itself').toBe('streaming');
    expect(generationHtml(gen(t1))).toBe('');
    const t2 = reduce(t1, chunk(c.genEnd('g1')));
    expect([gen(t2).state, gen(t2).degradedReason, gen(t2).markdown]).toEqual(['degraded', 'no-deltas', 'Hello **world**']);
    expect(codes(t2)).toEqual(['degraded-generation']);
    // The platform's final text, if it sends one, then takes its place rendered.
    const t3 = reduce(t2, chunk(c.text('<p>Hello <strong>world</strong></p>', { generated: true })));
    expect(lastBot(t3).blocks.map((b) => b.kind)).toEqual(['generation']);
    expect(generationHtml(gen(t3))).toBe('<p>Hello <strong>world</strong></p>');
    // Deltas that made HTML: ended as it was.
    const ok = run(streamed(['<p>Hi</p>']), [chunk(c.genEnd('g1'))]);
    expect([gen(ok).state, codes(ok)]).toEqual(['done', []]);
    // Any other end too (processing.end without generation.end, Stop, a timeout): the text plain.
    expect(gen(reduce(t1, chunk(c.end()))).state).toBe('degraded');
    expect(gen(reduce(t1, { type: 'stream-aborted', at: 1, reason: 'stopped' })).state).toBe('degraded');
    // The final text before the generation's end: it takes the blank generation's place, once.
    const early = run(t1, [chunk(c.text('<p>Hello <strong>world</strong></p>', { generated: true })), chunk(c.genEnd('g1'))]);
    expect(lastBot(early).blocks.map((b) => b.kind)).toEqual(['generation']);
    expect([gen(early).state, generationHtml(gen(early))]).toEqual(['done', '<p>Hello <strong>world</strong></p>']);
    expect(codes(early)).toEqual([]);
  });

  it('an is_generated text does not replace a generation that showed only emoji or signs, unless it is the same', () => {
    const noDeltas = (text: string) => chunk(parseChunk({ type: 'generation.chunk', data: { chunk: text, generation_id: 'g1' } }));
    const emoji = run(asked(), [chunk(c.genStart('g1')), noDeltas('👍 🎉'), chunk(c.genEnd('g1'))]);
    expect(gen(emoji).state).toBe('degraded');
    const other = reduce(emoji, chunk(c.text('<p>Anything else?</p>', { generated: true })));
    expect(lastBot(other).blocks.map((b) => b.kind)).toEqual(['generation', 'text']);
    expect(gen(other).markdown).toBe('👍 🎉');
    const same = reduce(emoji, chunk(c.text('<p>👍🎉</p>', { generated: true })));
    expect(lastBot(same).blocks.map((b) => b.kind)).toEqual(['generation']);
    expect(generationHtml(gen(same))).toBe('<p>👍🎉</p>');
  });
  it('a generation degraded with empty chunk texts keeps showing what its deltas had made (as plain text)', () => {
    const t0 = run(asked(), [chunk(c.genStart('g1')), chunk(c.genChunk('g1', '', append(0, '<p>Hello world</p>')))]);
    expect(generationHtml(gen(t0))).toBe('<p>Hello world</p>');
    const t = reduce(t0, chunk(c.genChunk('g1', '', [{ command: 'mov', value: 99 }])));
    expect(gen(t).state).toBe('degraded');
    expect(gen(t).markdown).toBe('Hello world');
  });
  it('a generation without deltas keeps to maxMessageChars too (its text is what shows)', () => {
    const noDeltas = (text: string) => chunk(parseChunk({ type: 'generation.chunk', data: { chunk: text, generation_id: 'g1' } }));
    const t = run(asked(createTranscript({ maxMessageChars: 100 })), [
      chunk(c.genStart('g1')),
      ...Array.from({ length: 10 }, () => noDeltas('x'.repeat(50))),
      chunk(c.genEnd('g1')),
    ]);
    expect(gen(t).markdown.length).toBeLessThanOrEqual(100);
    expect(codes(t)).toContain('cap-reached');
  });

  describe('an is_generated text after a degraded generation (the answer shown twice)', () => {
    // Streamed, then a delta the applier refuses: the generation shows its markdown as
    // plain text and its HTML is stale, so the platform's final text cannot match it.
    const degraded = (): Transcript =>
      run(streamed(['<p>Hello</p>']), [chunk(c.genChunk('g1', ' **world**', [{ command: 'mov', value: 9999 }])), chunk(c.genEnd('g1'))]);
    it('replaces the generation: one block, back to rendered HTML', () => {
      const t0 = degraded();
      expect(gen(t0).state).toBe('degraded');
      const t = reduce(t0, chunk(c.text('<p>Hello <strong>world</strong></p>', { generated: true })));
      expect(lastBot(t).blocks.map((b) => b.kind)).toEqual(['generation']);
      const g = gen(t);
      expect(g.id).toBe(gen(t0).id);
      expect(g.state).toBe('done');
      expect(g.degradedReason).toBeUndefined();
      expect(generationHtml(g)).toBe('<p>Hello <strong>world</strong></p>');
      // Nothing shown is lost: the model's text stays with the block.
      expect(g.markdown).toBe(gen(t0).markdown);
    });
    it('replaces only once: a second is_generated text is a text block of its own', () => {
      const t1 = reduce(degraded(), chunk(c.text('<p>Hello <strong>world</strong></p>', { generated: true })));
      const t2 = reduce(t1, chunk(c.text('<p>P.S.</p>', { generated: true })));
      expect(lastBot(t2).blocks.map((b) => b.kind)).toEqual(['generation', 'text']);
    });
    it('a text that is not is_generated is still added after it', () => {
      const t = reduce(degraded(), chunk(c.text('<p>Anything else?</p>')));
      expect(lastBot(t).blocks.map((b) => b.kind)).toEqual(['generation', 'text']);
      expect(gen(t).state).toBe('degraded');
    });
    it('another generated text of the turn (not the answer repeated) is added after it: what was shown stays', () => {
      const t0 = run(streamed(['<p>Opening hours: 9 to 18</p>']), [
        chunk(c.genChunk('g1', ' on weekdays', [{ command: 'mov', value: 9999 }])),
        chunk(c.genEnd('g1')),
      ]);
      expect(gen(t0).state).toBe('degraded');
      const t = reduce(t0, chunk(c.text('<p>Anything else I can help you with?</p>', { generated: true })));
      expect(lastBot(t).blocks.map((b) => b.kind)).toEqual(['generation', 'text']);
      expect(gen(t)).toBe(gen(t0));
      // The answer repeated, its markdown's link and list written as HTML: replaced.
      const t1 = run(streamed(['<p>See</p>']), [
        chunk(c.genChunk('g1', ' [our hours](https://shop.example/hours):\n1. Monday', [{ command: 'mov', value: 9999 }])),
        chunk(c.genEnd('g1')),
      ]);
      const final = '<p>See <a href="https://shop.example/hours">our hours</a>:</p><ol><li>Monday</li></ol>';
      expect(lastBot(reduce(t1, chunk(c.text(final, { generated: true })))).blocks.map((b) => b.kind)).toEqual(['generation']);
    });
    it('a generation of an earlier turn is never replaced', () => {
      const t0 = run(degraded(), [chunk(c.end()), send('again'), chunk(c.start())]);
      const t = reduce(t0, chunk(c.text('<p>Hello <strong>world</strong></p>', { generated: true })));
      expect(lastBot(t).blocks.map((b) => b.kind)).toEqual(['text']);
    });
  });
  it('an is_generated text before generation.end does not replace it', () => {
    const t0 = streamed(['<p>Hello</p>']);
    const t = reduce(t0, chunk(c.text('<p>Hello</p>', { generated: true })));
    expect(lastBot(t).blocks.map((b) => b.kind)).toEqual(['generation', 'text']);
  });
  it('the same generation id in a new turn is a new generation', () => {
    const t0 = run(streamed(['one']), [chunk(c.genEnd('g1')), chunk(c.end()), send('again'), chunk(c.start())]);
    const t = streamed(['two'], 'g1', t0);
    expect(generationHtml(gen(t))).toBe('two');
  });
});

describe('carousels', () => {
  const withCarousel = (): Transcript => run(asked(), [chunk(c.carStart('k'))]);
  const carousel = (t: Transcript): CarouselBlock => lastBot(t).blocks.find((b): b is CarouselBlock => b.kind === 'carousel')!;

  it('builds cards with actions, sorted by index', () => {
    const t = run(withCarousel(), [
      chunk(c.cardStart('k', 2, 'Two')),
      chunk(c.cardStart('k', 1, 'One')),
      chunk(c.cardButton('k', 1, 'Buy', 'buy')),
      chunk(c.cardLink('k', 2, 'More', 'https://x')),
      chunk(c.cardEnd('k', 1)),
    ]);
    const k = carousel(t);
    expect(k.cards.map((x) => x.index)).toEqual([1, 2]);
    expect(k.cards[0]).toMatchObject({ title: 'One', state: 'done', actions: [{ type: 'button', label: 'Buy', payload: 'buy' }] });
    expect(k.cards[1]).toMatchObject({ title: 'Two', state: 'streaming', actions: [{ type: 'link', label: 'More', url: 'https://x' }] });
    const done = reduce(t, chunk(c.carEnd('k')));
    expect(carousel(done).state).toBe('done');
    expect(carousel(done).cards.every((x) => x.state === 'done')).toBe(true);
  });
  it('duplicate carousel.start and card.start are idempotent', () => {
    const t = run(withCarousel(), [chunk(c.cardStart('k', 1))]);
    expect(reduce(t, chunk(c.carStart('k')))).toBe(t);
    expect(reduce(t, chunk(c.cardStart('k', 1, 'Other title')))).toBe(t);
  });
  it('chunks for an unknown carousel or card are ignored with a warning', () => {
    const t0 = run(withCarousel(), [chunk(c.cardStart('k', 1))]);
    for (const bad of [c.cardStart('zz', 1), c.cardButton('k', 3, 'x'), c.cardEnd('k', 4), c.carEnd('zz')]) {
      const t = reduce(t0, chunk(bad));
      expect(t.messages).toBe(t0.messages);
      expect(codes(t)).toEqual(['ignored-chunk']);
    }
  });
  it('chunks after a card or carousel end are ignored with a warning', () => {
    const t0 = run(withCarousel(), [chunk(c.cardStart('k', 1)), chunk(c.cardEnd('k', 1))]);
    const t1 = reduce(t0, chunk(c.cardButton('k', 1, 'late')));
    expect(t1.messages).toBe(t0.messages);
    expect(codes(t1)).toEqual(['ignored-chunk']);
    const t2 = reduce(t0, chunk(c.carEnd('k')));
    const t3 = reduce(t2, chunk(c.cardStart('k', 2)));
    expect(t3.messages).toBe(t2.messages);
    expect(codes(t3)).toEqual(['ignored-chunk']);
  });
  it('refuses a card index outside 1..10', () => {
    const t0 = withCarousel();
    const t = reduce(t0, chunk(c.cardStart('k', 11)));
    expect(t.messages).toBe(t0.messages);
    expect(codes(t)).toEqual(['invalid-chunk']);
  });
});

describe('caps', () => {
  it('keeps at most 10 actions in a quick-replies block', () => {
    const events = Array.from({ length: 12 }, (_, i) => chunk(c.button(`B${i}`)));
    const t = run(asked(), events);
    expect((lastBot(t).blocks[0] as ActionsBlock).actions).toHaveLength(10);
    expect(codes(t)).toEqual(['cap-reached']);
  });
  it('keeps at most maxCards cards', () => {
    const t = run(asked(createTranscript({ maxCards: 3 })), [
      chunk(c.carStart('k')),
      ...[1, 2, 3, 4, 5].map((i) => chunk(c.cardStart('k', i))),
    ]);
    const k = lastBot(t).blocks[0] as CarouselBlock;
    expect(k.cards.map((x) => x.index)).toEqual([1, 2, 3]);
    expect(codes(t)).toEqual(['cap-reached']);
  });
  it('10 distinct card indices fill the default cap', () => {
    const t = run(asked(), [chunk(c.carStart('k')), ...Array.from({ length: 10 }, (_, i) => chunk(c.cardStart('k', i + 1)))]);
    expect((lastBot(t).blocks[0] as CarouselBlock).cards).toHaveLength(10);
    expect(t.warnings).toEqual([]);
  });
  it('keeps at most 10 actions per card', () => {
    const t = run(asked(), [
      chunk(c.carStart('k')),
      chunk(c.cardStart('k', 1)),
      ...Array.from({ length: 11 }, (_, i) => chunk(c.cardButton('k', 1, `b${i}`))),
    ]);
    expect((lastBot(t).blocks[0] as CarouselBlock).cards[0]?.actions).toHaveLength(10);
    expect(codes(t)).toEqual(['cap-reached']);
  });
  it('ignores content past maxMessageChars without truncating what is shown', () => {
    const t0 = run(asked(createTranscript({ maxMessageChars: 10 })), [
      chunk(c.text('12345')),
      chunk(c.genStart('g')),
      chunk(c.genChunk('g', 'abc', append(0, 'abc'))),
    ]);
    const t = run(t0, [chunk(c.genChunk('g', 'defg', append(3, 'defg'))), chunk(c.text('xyz'))]);
    expect(generationHtml(gen(t, 1))).toBe('abc');
    expect(gen(t, 1).markdown).toBe('abc'); // the refused chunk applied not at all
    expect(lastBot(t).blocks).toHaveLength(2);
    expect((lastBot(t).blocks[0] as TextBlock).html).toBe('12345');
    expect(codes(t)).toContain('cap-reached');
    expect(reduce(t, chunk(c.text('zzz'))).messages).toBe(t.messages); // and the cap holds
  });
  it('a generation a cap refused a chunk of ignores its later deltas, even those that shrink it: they are for a text it does not have', () => {
    const t0 = run(asked(createTranscript({ maxMessageChars: 10 })), [
      chunk(c.genStart('g')),
      chunk(c.genChunk('g', 'hello', append(0, 'hello'))),
    ]);
    const refused = reduce(
      t0,
      chunk(
        c.genChunk('g', ' WORLD', [
          { command: 'del', value: 5 },
          { command: 'ins', value: 'HELLO WORLD' },
        ]),
      ),
    );
    expect(codes(refused)).toEqual(['cap-reached']);
    // The platform now has "HELLO WORLD" and deletes its E: applied to "hello" it would show "hllo".
    const t = reduce(
      refused,
      chunk(
        c.genChunk('g', '', [
          { command: 'mov', value: 1 },
          { command: 'del', value: 1 },
        ]),
      ),
    );
    expect(t.messages).toBe(refused.messages);
    expect(generationHtml(gen(t))).toBe('hello');
    // It still ends normally, what was shown kept; another generation of the reply is not affected.
    const ended = run(t, [chunk(c.genEnd('g')), chunk(c.genStart('h')), chunk(c.genChunk('h', 'x', append(0, 'x')))]);
    expect(gen(ended).state).toBe('done');
    expect(generationHtml(gen(ended))).toBe('hello');
    expect(generationHtml(gen(ended, 1))).toBe('x');
  });
  it('caps raw + HTML of one reply at maxReplyChars, across bot messages of the same send', () => {
    const t = run(asked(createTranscript({ maxReplyChars: 20 })), [
      chunk(c.genStart('g')),
      chunk(c.genChunk('g', 'abcde', append(0, 'abcde'))), // 10
      chunk(c.end()),
      chunk(c.start()),
      chunk(c.text('0123456789')), // 20
      chunk(c.text('!')), // 21: refused
    ]);
    expect(lastBot(t).blocks).toHaveLength(1);
    expect(codes(t)).toEqual(['cap-reached']);
    // A new send is a new reply.
    const t2 = run(t, [send('more'), chunk(c.text('0123456789'))]);
    expect(lastBot(t2).blocks).toHaveLength(1);
    expect(t2.warningCount).toBe(1);
  });
  it('keeps only the last maxWarnings warnings but counts them all', () => {
    let t = asked(createTranscript({ maxWarnings: 3 }));
    for (let i = 0; i < 5; i++) t = reduce(t, chunk(c.genChunk(`unknown-${i}`, 'x', [])));
    expect(t.warnings).toHaveLength(3);
    expect(t.warningCount).toBe(5);
    expect(t.warnings[2]?.message).toContain('unknown-4');
  });
});

describe('an answer without content', () => {
  /** The welcome with its quick replies, answered and done. */
  const welcomed = () => run(fresh(), [chunk(c.start()), chunk(c.text('<p>Hi</p>')), chunk(c.button('Prices')), chunk(c.end())]);

  it('given a profile send, when the platform answers processing.start/end only, then no message is added and the quick replies before stay live', () => {
    const t0 = welcomed();
    const t = run(t0, [send({ type: 'profile', profile: { name: 'Ada' } }), chunk(c.start()), chunk(c.end())]);
    expect(t.messages).toEqual(t0.messages);
    expect(activeActionsBlockId(t)).toBe(activeActionsBlockId(t0));
    expect(activeActionsBlockId(t)).not.toBeNull();
    expect([t.status, t.notice]).toEqual(['idle', null]);
  });
  it('a question a polled bot never answered: the question stays, no empty answer, no notice', () => {
    const t = run(fresh(), [send('anyone?'), chunk(c.start()), chunk(c.end())]);
    expect(t.messages.map((m) => m.role)).toEqual(['user']);
    expect(lastUser(t).status).toBe('sent');
    expect([t.status, t.notice]).toEqual(['idle', null]);
  });
  it('a generation that never got text is no content either', () => {
    const t = run(asked(), [chunk(c.genStart('g')), chunk(c.genEnd('g')), chunk(c.end())]);
    expect(t.messages.map((m) => m.role)).toEqual(['user']);
  });
  it('a relay error before any content: the notice says why, no empty answer', () => {
    const t = run(asked(), [chunk({ type: 'error', code: 'upstream_timeout', message: 'Too slow.' }), chunk(c.end())]);
    expect(t.messages.map((m) => m.role)).toEqual(['user']);
    expect(t.notice).toMatchObject({ message: 'Too slow.', retry: { type: 'text', text: 'hi' } });
  });
  it('EOF, timeout or a new send after processing.start alone: no empty answer left behind', () => {
    expect(run(asked(), [ended()]).messages.map((m) => m.role)).toEqual(['user']);
    expect(run(asked(), [ended()]).notice?.kind).toBe('incomplete');
    expect(run(asked(), [timeout()]).messages.map((m) => m.role)).toEqual(['user']);
    expect(run(asked(), [aborted()]).messages.map((m) => m.role)).toEqual(['user']);
    expect(run(asked(), [send('again')]).messages.map((m) => m.role)).toEqual(['user', 'user']);
    expect(run(asked(), [sendFailed()]).messages.map((m) => m.role)).toEqual(['user']);
  });
  it('stopped before any content: the answer stays, marked stopped (the visitor asked for that)', () => {
    const t = reduce(asked(), { type: 'stream-aborted', reason: 'stopped', at: 5 });
    expect(lastBot(t)).toMatchObject({ blocks: [], stopped: true, state: 'incomplete' });
  });
});

describe('lifecycle faults', () => {
  it('EOF without processing.end: finalised incomplete with a retry notice', () => {
    const t = run(asked(), [chunk(c.genStart('g')), chunk(c.genChunk('g', 'abc', append(0, 'abc'))), ended()]);
    expect(lastBot(t).state).toBe('incomplete');
    expect(gen(t).state).toBe('done');
    expect(generationHtml(gen(t))).toBe('abc');
    expect(t.notice).toEqual({
      kind: 'incomplete',
      code: 'incomplete',
      message: NOTICE_TEXT.incomplete,
      retry: { type: 'text', text: 'hi' },
    });
    expect(t.status).toBe('idle');
  });
  it('timeout without processing.end: same, kind timeout', () => {
    const t = run(asked(), [chunk(c.text('partial')), timeout()]);
    expect(lastBot(t).state).toBe('incomplete');
    expect(t.notice).toMatchObject({ kind: 'timeout', retry: { type: 'text', text: 'hi' } });
  });
  it('EOF with nothing received: the user message failed, send-failed notice with retry', () => {
    const t = run(fresh(), [send('hello?'), ended()]);
    expect(t.messages).toHaveLength(1);
    expect(lastUser(t)).toMatchObject({ text: 'hello?', status: 'failed' });
    expect(t.notice).toMatchObject({ kind: 'send-failed', retry: { type: 'text', text: 'hello?' } });
    expect(t.status).toBe('idle');
  });
  it('timeout with nothing received: the user message failed, timeout notice', () => {
    const t = run(fresh(), [send('hello?'), timeout()]);
    expect(lastUser(t).status).toBe('failed');
    expect(t.notice).toMatchObject({ kind: 'timeout', retry: { type: 'text', text: 'hello?' } });
  });
  it('EOF after processing.end changes nothing', () => {
    const t = run(asked(), [chunk(c.text('ok')), chunk(c.end())]);
    expect(reduce(t, ended())).toBe(t);
    expect(reduce(t, timeout())).toBe(t);
    expect(reduce(t, aborted())).toBe(t);
  });
  it('stream-aborted finalises silently when content exists', () => {
    const t = run(asked(), [chunk(c.text('partial')), aborted()]);
    expect(lastBot(t).state).toBe('incomplete');
    expect(t.notice).toBeNull();
    expect(t.status).toBe('idle');
  });
  it('stream-aborted with reason stopped keeps what was shown and marks the answer stopped', () => {
    const t0 = run(asked(), [chunk(c.text('partial answer'))]);
    const t = reduce(t0, { type: 'stream-aborted', reason: 'stopped', at: 5 });
    expect(lastBot(t)).toMatchObject({ state: 'incomplete', stopped: true });
    expect(lastBot(t).blocks).toEqual(lastBot(t0).blocks);
    expect(t.notice).toBeNull();
    expect(t.status).toBe('idle');
    // Late chunks of the stopped answer change nothing.
    expect(reduce(t, chunk(c.text('late')))).toMatchObject({ messages: t.messages });
    // A plain abort (restart, page leaving) is not a stop.
    expect(lastBot(run(t0, [aborted()])).stopped).toBeUndefined();
  });
  it('stream-aborted with nothing received leaves messages alone', () => {
    const t0 = reduce(fresh(), send('x'));
    const t = reduce(t0, aborted());
    expect(t.messages).toBe(t0.messages);
    expect(t.notice).toBeNull();
    expect(t.status).toBe('idle');
  });
  it('send-failed keeps the visitor text, marks it failed and offers retry', () => {
    const t = run(fresh(), [send('my long question'), sendFailed('HTTP 503')]);
    expect(lastUser(t)).toMatchObject({ text: 'my long question', status: 'failed' });
    expect(t.notice).toMatchObject({ kind: 'send-failed', retry: { type: 'text', text: 'my long question' } });
    expect(t.status).toBe('idle');
  });
  it('retrying the failed message re-sends the same bubble instead of duplicating it', () => {
    const t0 = run(fresh(), [send('q'), sendFailed()]);
    const t = reduce(t0, send(t0.notice!.retry!));
    expect(t.messages).toHaveLength(1);
    expect(lastUser(t)).toMatchObject({ id: lastUser(t0).id, status: 'sent' });
    expect(t.notice).toBeNull();
  });
  it("send-failed with the relay's wait (Retry-After) is rate-limited: retry offered, the seconds kept", () => {
    const t = run(fresh(), [send('again'), { type: 'send-failed', message: 'Too many', at: 5, retryAfter: 29.2 }]);
    expect(lastUser(t)).toMatchObject({ text: 'again', status: 'failed' });
    expect(t.notice).toEqual({
      kind: 'send-failed',
      code: 'rate-limited',
      message: NOTICE_TEXT['rate-limited'],
      retry: { type: 'text', text: 'again' },
      retryAfter: 30,
    });
  });
  it('a wait that is not a positive number of seconds is a plain send-failed', () => {
    for (const retryAfter of [0, -3, NaN, '30', null, undefined]) {
      const e = { type: 'send-failed', message: 'x', at: 5, retryAfter } as unknown as ConversationEvent;
      const t = run(fresh(), [send('q'), e]);
      expect(t.notice).toMatchObject({ code: 'send-failed' });
      expect(t.notice).not.toHaveProperty('retryAfter');
    }
  });
  it('send-failed of a profile send offers retry of the profile', () => {
    const t = run(fresh(), [send({ type: 'profile', profile: { a: '1' } }), sendFailed()]);
    expect(t.messages).toHaveLength(0);
    expect(t.notice?.retry).toEqual({ type: 'profile', profile: { a: '1' } });
  });
  it('an error chunk shows an error notice with retry; the answer ends incomplete at processing.end', () => {
    const t1 = run(asked(), [chunk(c.text('part')), chunk(c.error('The assistant is unavailable.'))]);
    expect(t1.notice).toEqual({
      kind: 'error',
      code: 'relay-error',
      message: 'The assistant is unavailable.',
      retry: { type: 'text', text: 'hi' },
    });
    const t2 = reduce(t1, chunk(c.end()));
    expect(lastBot(t2).state).toBe('incomplete');
    expect(t2.notice?.kind).toBe('error');
  });
  it('an error chunk then EOF keeps the error notice', () => {
    const t = run(asked(), [chunk(c.error()), ended()]);
    expect(t.notice?.kind).toBe('error');
    expect(t.notice?.code).toBe('relay-error');
  });
  it('an error chunk without a message of its own: the generic error notice', () => {
    const t = run(asked(), [chunk(c.error(' '))]);
    expect(t.notice).toMatchObject({ kind: 'error', code: 'error', message: NOTICE_TEXT.error });
  });
});

describe('connectivity', () => {
  it('offline shows a notice without retry; online clears it', () => {
    const t1 = reduce(fresh(), connectivity(false));
    expect(t1.notice).toEqual({ kind: 'offline', code: 'offline', message: NOTICE_TEXT.offline });
    expect(reduce(t1, connectivity(false))).toBe(t1);
    expect(reduce(t1, connectivity(true)).notice).toBeNull();
  });
  it('offline does not hide a more important notice, and online does not clear it', () => {
    const t0 = run(fresh(), [send('x'), sendFailed()]);
    expect(reduce(t0, connectivity(false))).toBe(t0);
    expect(reduce(t0, connectivity(true))).toBe(t0);
  });
});

describe('activeActionsBlockId', () => {
  it('is the last bot message actions block until the visitor sends', () => {
    const t = run(asked(), [chunk(c.button('A')), chunk(c.text('t')), chunk(c.button('B')), chunk(c.end())]);
    expect(activeActionsBlockId(t)).toBe(lastBot(t).blocks[2]?.id);
    expect(activeActionsBlockId(reduce(t, send('B')))).toBeNull();
    expect(activeActionsBlockId(fresh())).toBeNull();
  });
});

describe('structural sharing', () => {
  it('untouched messages and blocks keep their identity', () => {
    const t0 = run(asked(), [
      chunk(c.text('first')),
      chunk(c.end()),
      send('two'),
      chunk(c.start()),
      chunk(c.text('a')),
      chunk(c.genStart('g')),
    ]);
    const t = reduce(t0, chunk(c.genChunk('g', 'x', append(0, 'x'))));
    for (let i = 0; i < t0.messages.length - 1; i++) expect(t.messages[i]).toBe(t0.messages[i]);
    expect(lastBot(t).blocks[0]).toBe(lastBot(t0).blocks[0]);
    expect(lastBot(t).blocks[1]).not.toBe(lastBot(t0).blocks[1]);
  });
  it('reduce never mutates its input', () => {
    const t0 = asked();
    const snapshot = JSON.stringify(t0);
    reduce(t0, chunk(c.text('x')));
    expect(JSON.stringify(t0)).toBe(snapshot);
  });
  it('never throws on garbage events', () => {
    const t0 = asked();
    for (const e of [
      null,
      undefined,
      42,
      {},
      { type: 'chunk' },
      { type: 'chunk', chunk: null },
      { type: 'nope', at: 1 },
      { type: 'send', data: null },
    ]) {
      expect(() => reduce(t0, e as never)).not.toThrow();
      expect(reduce(t0, e as never).messages).toBe(t0.messages);
    }
  });
  it('an exception inside (a hostile getter) returns the input plus a warning', () => {
    const t0 = asked();
    const evil = {
      type: 'text',
      isCaption: false,
      isGenerated: false,
      get text(): string {
        throw new Error('boom');
      },
    };
    const t = reduce(t0, chunk(evil as never));
    expect(t.messages).toBe(t0.messages);
    expect(codes(t)).toEqual(['invalid-chunk']);
  });
});

describe('with the real parser (seed-shaped wire chunks)', () => {
  it('renders a whole answer from wire objects, numeric ids and the seed defects included', () => {
    const wire: unknown[] = [
      { type: 'processing.start' },
      { type: 'text', data: { is_caption: false, text: '<p class="slate-p">Hi 👋</p>' }, is_generated: false },
      { type: 'button', data: { label: 'Click here', payload: 'target_answer_label' } },
      { type: 'link', data: { label: 'Call us', url: 'tel: +393333333333' } },
      { type: 'generation.start', data: { generation_id: 1271 } },
      { type: 'generation.chunk', data: { chunk: 'Hi', deltas: [{ command: 'ins', value: '<p>Hi</p>' }], generation_id: 1271 } },
      {
        type: 'generation.chunk',
        data: {
          chunk: '!',
          deltas: [
            { command: 'mov', value: 5 },
            { command: 'ins', value: '!' },
          ],
          generation_id: 1271,
        },
      },
      { type: 'generation.start', data: { generation_id: 1271 } }, // the seed's generation.end copy error
      { type: 'carousel.start', data: { carousel_id: 1234 } },
      { type: 'carousel.card.start', card_index: 1, carousel_id: 1234, data: { description: 'A card', image: null, title: 'Card 1' } },
      { type: 'carousel.card.button', card_index: 1, carousel_id: 1234, data: { label: 'Buy', payload: 'buy' } },
      { type: 'carousel.card.end', card_index: 1, carousel_id: 1234 },
      { type: 'carousel.end', data: { carousel_id: 1234 } },
      { type: 'some.future.chunk', data: {} },
      { type: 'processing.end' },
    ];
    const t = run(
      reduce(fresh(), send('hi')),
      wire.map((w) => chunk(parseChunk(w))),
    );
    const bot = lastBot(t);
    expect(bot.state).toBe('done');
    expect(bot.blocks.map((b) => b.kind)).toEqual(['text', 'actions', 'generation', 'carousel']);
    expect((bot.blocks[1] as ActionsBlock).actions[1]).toEqual({ type: 'link', label: 'Call us', url: 'tel:+393333333333' });
    expect(generationHtml(gen(t, 2))).toBe('<p>Hi!</p>');
    expect(gen(t, 2)).toMatchObject({ generationId: '1271', markdown: 'Hi!', state: 'done' });
    expect((bot.blocks[3] as CarouselBlock).cards[0]).toMatchObject({ index: 1, title: 'Card 1', image: null, state: 'done' });
    expect(t.warnings).toEqual([]);
    expect(t.status).toBe('idle');
  });
});
