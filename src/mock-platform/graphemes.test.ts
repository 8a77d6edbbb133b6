import { expect, test } from 'vitest';
import fc from 'fast-check';
import { splitGraphemes } from './graphemes.js';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const reference = (s: string): string[] => Array.from(segmenter.segment(s), (g) => g.segment);

test('matches Intl.Segmenter on tricky text', () => {
  for (const s of [
    '',
    'abc',
    'e\u0301x',
    'a\r\nb',
    '\r\r\n',
    '👨‍👩‍👧‍👦a🇮🇹🇬🇧b',
    'x\u200dy',
    '🏳️‍🌈!',
    '👍🏽 ok',
    'a\u0308\u0301b',
    '각각',
    'a\u0600b',
  ]) {
    expect(splitGraphemes(s)).toEqual(reference(s));
  }
});

test('matches Intl.Segmenter on random mixes of ASCII and joiners', () => {
  const piece = fc.constantFrom(
    'a',
    ' ',
    '\n',
    '\r',
    '<',
    'é',
    'e',
    '\u0301',
    '\u200d',
    '👩',
    '💻',
    '🇮',
    '🇹',
    '\ufe0f',
    '🏽',
    'ᄀ',
    '가',
    '\u0600',
    '😀',
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
      const s = pieces.join('');
      expect(splitGraphemes(s)).toEqual(reference(s));
    }),
    { numRuns: 2000 },
  );
});
