import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { INVALID_DELTAS_COMMAND, normalizeTel, parseChunk } from './parse.js';
import type { Chunk } from './types.js';
import { SEED_EXAMPLES as S } from './fixtures.test-helper.js';

const unknownReason = (c: Chunk): string => (c.type === 'unknown' ? c.reason : `not unknown: ${c.type}`);

describe('parseChunk: the seed examples', () => {
  it('parses every example of the Chat API page (the seed)', () => {
    expect(parseChunk(S.processingStart)).toEqual({ type: 'processing.start' });
    expect(parseChunk(S.processingEnd)).toEqual({ type: 'processing.end' });
    expect(parseChunk(S.text)).toEqual({
      type: 'text',
      text: '<p class="slate-p">Hi 👋I’m your virtual assistant</p><p>',
      isCaption: false,
      isGenerated: false,
    });
    expect(parseChunk(S.image)).toEqual({ type: 'image', src: 'https://platform.indigo.ai/…/image_1.jpg', alt: 'An alt text' });
    expect(parseChunk(S.video)).toEqual({ type: 'video', src: 'https://platform.indigo.ai/…/video_1.jpg', alt: 'An alt text' });
    expect(parseChunk(S.button)).toEqual({ type: 'button', label: 'Click here', payload: 'target_answer_label' });
    expect(parseChunk(S.link)).toEqual({ type: 'link', label: 'Visit our website', url: 'https://indigo.ai' });
    expect(parseChunk(S.generationStart)).toEqual({ type: 'generation.start', generationId: '1234' });
    expect(parseChunk(S.generationEnd)).toEqual({ type: 'generation.end', generationId: '1234' });
    expect(parseChunk(S.generationChunk)).toEqual({
      type: 'generation.chunk',
      generationId: '1271',
      chunk: '!',
      deltas: [
        { command: 'mov', value: 90 },
        { command: 'ins', value: '!' },
      ],
    });
    expect(parseChunk(S.carouselStart)).toEqual({ type: 'carousel.start', carouselId: '1234' });
    expect(parseChunk(S.carouselEnd)).toEqual({ type: 'carousel.end', carouselId: '1234' });
    expect(parseChunk(S.cardStart)).toEqual({
      type: 'carousel.card.start',
      carouselId: '1234',
      cardIndex: 1,
      title: 'Card 1',
      description: 'A card',
      image: null,
    });
    expect(parseChunk(S.cardEnd)).toEqual({ type: 'carousel.card.end', carouselId: '1234', cardIndex: 1 });
    expect(parseChunk(S.cardButton)).toEqual({
      type: 'carousel.card.button',
      carouselId: '1234',
      cardIndex: 1,
      label: 'Button Label',
      payload: 'target_answer_label',
    });
    expect(parseChunk(S.cardLink)).toEqual({
      type: 'carousel.card.link',
      carouselId: '1234',
      cardIndex: 1,
      label: 'Visit our website',
      url: 'https://indigo.ai',
    });
  });
});

describe('parseChunk: the seed defects', () => {
  it('accepts `url` as well as `link`, and the URL under url, link or href', () => {
    const expected = { type: 'link', label: 'Site', url: 'https://a.example' };
    expect(parseChunk({ type: 'url', data: { label: 'Site', url: 'https://a.example' } })).toEqual(expected);
    expect(parseChunk({ type: 'link', data: { label: 'Site', link: 'https://a.example' } })).toEqual(expected);
    expect(parseChunk({ type: 'url', data: { label: 'Site', href: 'https://a.example' } })).toEqual(expected);
    expect(parseChunk({ type: 'link', data: { title: 'Site', url: 'https://a.example' } })).toEqual(expected);
    expect(parseChunk({ type: 'link', data: { url: 'https://a.example' } })).toEqual({ ...expected, label: 'https://a.example' });
    expect(unknownReason(parseChunk({ type: 'url', data: { label: 'no url' } }))).toMatch(/url/);
  });

  it('normalises tel: links with spaces (seed: `tel: +393333333333`)', () => {
    expect(parseChunk({ type: 'link', data: { label: 'Call', url: 'tel: +39 333 333 3333' } })).toEqual({
      type: 'link',
      label: 'Call',
      url: 'tel:+393333333333',
    });
    expect(
      parseChunk({ type: 'carousel.card.link', card_index: 3, carousel_id: 1, data: { label: 'Call', url: 'TEL:+39 02' } }),
    ).toMatchObject({
      url: 'tel:+3902',
    });
  });

  it('reads carousel_id and card_index at top level or in data, numbers or strings', () => {
    expect(parseChunk({ type: 'carousel.start', carousel_id: 'c-1' })).toEqual({ type: 'carousel.start', carouselId: 'c-1' });
    expect(parseChunk({ type: 'carousel.card.end', data: { carousel_id: 5, card_index: '10' } })).toEqual({
      type: 'carousel.card.end',
      carouselId: '5',
      cardIndex: 10,
    });
    expect(parseChunk({ type: 'generation.start', generation_id: 'g-9' })).toEqual({ type: 'generation.start', generationId: 'g-9' });
  });

  it('rejects a card_index that is not an integer 1..10', () => {
    for (const card_index of [0, 11, 1.5, -1, '3a', '', null, undefined, true, '1e1']) {
      const c = parseChunk({ type: 'carousel.card.end', carousel_id: 1, card_index });
      expect(c.type, String(card_index)).toBe('unknown');
      expect(unknownReason(c)).toMatch(/card_index/);
    }
  });

  it('rejects missing or unusable ids', () => {
    for (const bad of [{}, { generation_id: null }, { generation_id: '' }, { generation_id: {} }, { generation_id: Number.NaN }]) {
      const c = parseChunk({ type: 'generation.chunk', data: { chunk: 'x', deltas: [], ...bad } });
      expect(unknownReason(c)).toMatch(/generation_id/);
    }
    expect(unknownReason(parseChunk({ type: 'carousel.card.start', card_index: 1, data: { title: 't' } }))).toMatch(/carousel_id/);
  });

  it('accepts a card image as null, a URL string or an object with src/url and alt', () => {
    const card = (image: unknown): Chunk => parseChunk({ type: 'carousel.card.start', card_index: 1, carousel_id: 1, data: { image } });
    expect(card(null)).toMatchObject({ image: null, title: '', description: '' });
    expect(card(undefined)).toMatchObject({ image: null });
    expect(card('https://x/a.png')).toMatchObject({ image: { src: 'https://x/a.png', alt: '' } });
    expect(card({ src: 'https://x/b.png', alt: 'B' })).toMatchObject({ image: { src: 'https://x/b.png', alt: 'B' } });
    expect(card({ url: 'https://x/c.png' })).toMatchObject({ image: { src: 'https://x/c.png', alt: '' } });
    expect(card({ alt: 'no src' })).toMatchObject({ image: null });
    expect(card(42)).toMatchObject({ image: null });
    expect(card('')).toMatchObject({ image: null });
  });

  it('reads text flags: is_caption in data, is_generated at top level or in data', () => {
    expect(parseChunk({ type: 'text', data: { text: 'a', is_caption: true }, is_generated: true })).toEqual({
      type: 'text',
      text: 'a',
      isCaption: true,
      isGenerated: true,
    });
    expect(parseChunk({ type: 'text', data: { text: 'a', is_generated: true } })).toMatchObject({ isGenerated: true, isCaption: false });
    expect(parseChunk({ type: 'text', data: { text: 'a', is_caption: 'yes' } })).toMatchObject({ isCaption: false });
    expect(unknownReason(parseChunk({ type: 'text', data: {} }))).toMatch(/data\.text/);
    expect(unknownReason(parseChunk({ type: 'text', text: 'top-level is not the seed shape' }))).toMatch(/data\.text/);
    expect(unknownReason(parseChunk({ type: 'text', data: { text: ['x'] } }))).toMatch(/data\.text/);
  });

  it('keeps text exactly as given (no trimming)', () => {
    expect(parseChunk({ type: 'text', data: { text: '  <p> spaced </p>\n' } })).toMatchObject({ text: '  <p> spaced </p>\n' });
  });

  it('media: src or url, alt defaults to empty', () => {
    expect(parseChunk({ type: 'video', data: { url: 'https://youtu.be/x' } })).toEqual({
      type: 'video',
      src: 'https://youtu.be/x',
      alt: '',
    });
    expect(unknownReason(parseChunk({ type: 'image', data: { alt: 'x' } }))).toMatch(/src/);
  });

  it('buttons: numeric payloads become strings, label defaults to the payload', () => {
    expect(parseChunk({ type: 'button', data: { label: 'Yes', payload: 42 } })).toEqual({ type: 'button', label: 'Yes', payload: '42' });
    expect(parseChunk({ type: 'button', data: { payload: 'go' } })).toEqual({ type: 'button', label: 'go', payload: 'go' });
    expect(parseChunk({ type: 'carousel.card.button', card_index: 2, carousel_id: 9, data: { label: 7, payload: 8 } })).toMatchObject({
      label: '7',
      payload: '8',
    });
    expect(unknownReason(parseChunk({ type: 'button', data: { label: 'no payload' } }))).toMatch(/payload/);
    expect(unknownReason(parseChunk({ type: 'button', data: { payload: { x: 1 } } }))).toMatch(/payload/);
  });
});

describe('parseChunk: generation.chunk deltas', () => {
  it('keeps an array of deltas as given, unvalidated', () => {
    const deltas = [{ command: 'nope', value: -1 }, 5, null];
    expect(parseChunk({ type: 'generation.chunk', data: { chunk: 'a', deltas, generation_id: 1 } })).toMatchObject({ deltas });
  });

  it('defaults a missing chunk to "" and missing deltas to []', () => {
    expect(parseChunk({ type: 'generation.chunk', data: { generation_id: 1 } })).toEqual({
      type: 'generation.chunk',
      generationId: '1',
      chunk: '',
      deltas: [],
    });
  });

  it('keeps the raw chunk text when deltas is not a list, with a script the applier refuses', () => {
    for (const bad of ['mov 3', 5, { command: 'ins', value: 'x' }, true]) {
      const c = parseChunk({ type: 'generation.chunk', data: { chunk: 'raw **md**', deltas: bad, generation_id: 3 } });
      expect(c).toEqual({
        type: 'generation.chunk',
        generationId: '3',
        chunk: 'raw **md**',
        deltas: [{ command: INVALID_DELTAS_COMMAND, value: bad }],
      });
      expect(['mov', 'ins', 'del']).not.toContain(INVALID_DELTAS_COMMAND);
    }
  });
});

describe('parseChunk: error chunks (relay-added)', () => {
  it('reads code and message from error or data', () => {
    expect(parseChunk({ type: 'error', error: { code: 'timeout', message: 'Upstream timed out' } })).toEqual({
      type: 'error',
      code: 'timeout',
      message: 'Upstream timed out',
    });
    expect(parseChunk({ type: 'error', data: { code: 'unavailable', message: 'Down' } })).toEqual({
      type: 'error',
      code: 'unavailable',
      message: 'Down',
    });
    expect(parseChunk({ type: 'error' })).toEqual({ type: 'error', code: 'unknown', message: '' });
  });
});

describe('parseChunk: unknown and garbage', () => {
  it('makes unknown types an unknown chunk carrying the raw object', () => {
    const raw = { type: 'carousel.card.video', data: { src: 'x' } };
    expect(parseChunk(raw)).toEqual({ type: 'unknown', wireType: 'carousel.card.video', reason: 'unknown type', raw });
    expect(parseChunk({ type: 'TEXT', data: { text: 'case matters' } })).toMatchObject({ type: 'unknown', wireType: 'TEXT' });
  });

  it('makes a missing or non-string type an unknown chunk with wireType ""', () => {
    expect(parseChunk({ data: {} })).toMatchObject({ type: 'unknown', wireType: '', reason: 'missing type' });
    expect(parseChunk({ type: 5 })).toMatchObject({ type: 'unknown', wireType: '', reason: 'type is not a string' });
  });

  it('makes non-objects unknown', () => {
    for (const garbage of [null, undefined, 0, 'text', true, [], [{ type: 'text', data: { text: 'x' } }]]) {
      const c = parseChunk(garbage);
      expect(c.type).toBe('unknown');
      if (c.type === 'unknown') {
        expect(c.wireType).toBe('');
        expect(c.raw).toEqual({ value: garbage });
      }
    }
  });

  it('never throws, whatever it is given (fast-check)', () => {
    const types = fc.constantFrom(
      'processing.start',
      'processing.end',
      'text',
      'image',
      'video',
      'button',
      'url',
      'link',
      'generation.start',
      'generation.chunk',
      'generation.end',
      'carousel.start',
      'carousel.end',
      'carousel.card.start',
      'carousel.card.end',
      'carousel.card.button',
      'carousel.card.link',
      'error',
      'zzz',
    );
    const shaped = fc.record(
      {
        type: types,
        data: fc.oneof(
          fc.anything(),
          fc.dictionary(
            fc.constantFrom(
              'text',
              'src',
              'url',
              'label',
              'payload',
              'chunk',
              'deltas',
              'image',
              'generation_id',
              'carousel_id',
              'card_index',
              'code',
              'message',
            ),
            fc.anything(),
          ),
        ),
        card_index: fc.anything(),
        carousel_id: fc.anything(),
        error: fc.anything(),
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), shaped), (input) => {
        const c = parseChunk(input);
        expect(typeof c.type).toBe('string');
        if (c.type === 'unknown') expect(typeof c.reason).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('does not throw on hostile objects (throwing getters, proxies)', () => {
    const hostile = new Proxy(
      { type: 'text' },
      {
        get(target, key) {
          if (key === 'data') throw new Error('trap');
          return Reflect.get(target, key);
        },
      },
    );
    expect(parseChunk(hostile)).toMatchObject({ type: 'unknown', wireType: 'text' });
  });
});

describe('normalizeTel', () => {
  it('removes spaces after the scheme and lower-cases it', () => {
    expect(normalizeTel('tel: +39 333 123')).toBe('tel:+39333123');
    expect(normalizeTel('TEL:+39333123')).toBe('tel:+39333123');
    expect(normalizeTel('Tel : +39\t02 1234 ')).toBe('tel:+39021234');
    expect(normalizeTel(' tel:+1-800-555')).toBe('tel:+1-800-555');
  });

  it('leaves other URLs untouched', () => {
    for (const url of ['https://indigo.ai/a b', 'mailto:a@b.c', 'telnet://x', 'javascript:alert(1)', '']) {
      expect(normalizeTel(url)).toBe(url);
    }
  });
});
