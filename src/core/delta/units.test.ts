import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  countUnits,
  hasLoneSurrogate,
  isSimpleGraphemeCode,
  scanWindow,
  ForwardWalker,
  UnitString,
} from './units.js';
import { splitUnits, TOKENS } from './delta.test-helper.js';
import { DELTA_UNITS } from './types.js';

const seg = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const graphemes = (s: string): string[] => Array.from(seg.segment(s), (x) => x.segment);

describe('simple grapheme code units', () => {
  const simple: string[] = [];
  for (let c = 0; c < 0x10000; c++) if (isSimpleGraphemeCode(c)) simple.push(String.fromCharCode(c));

  test('the set is large enough to matter and has no surrogates', () => {
    expect(simple.length).toBeGreaterThan(40_000);
    expect(simple.some((c) => /[\uD800-\uDFFF]/.test(c))).toBe(false);
  });

  test('no member is pictographic (emoji sequences may join to it)', () => {
    expect(simple.filter((c) => /\p{Extended_Pictographic}/u.test(c))).toEqual([]);
  });

  test('every member is one grapheme next to every kind of member, in both orders', () => {
    // Break rules between two code units depend only on their classes; running the whole
    // set forwards and backwards puts every class next to every other one.
    // Checked in overlapping slices: V8's segmenter is very slow on long strings.
    const check = (s: string): void => {
      for (let i = 0; i < s.length; i += 999) {
        const part = s.slice(i, i + 1000);
        expect(graphemes(part).length).toBe(part.length);
      }
    };
    check(simple.join(''));
    check([...simple].reverse().join(''));
    const sample = simple.filter((_, i) => i % 499 === 0);
    check(sample.map((c) => c + sample.join(c)).join(''));
  });

  test('CR is not simple: CR LF is one grapheme', () => {
    expect(isSimpleGraphemeCode(0x0d)).toBe(false);
    expect(graphemes('\r\n')).toHaveLength(1);
  });
});

describe('hasLoneSurrogate', () => {
  test.each([
    ['', false],
    ['abc', false],
    ['👍', false],
    ['a👍b👨‍👩‍👧', false],
    ['\uD83D', true],
    ['\uDC4D', true],
    ['a\uD83Db', true],
    ['\uDC4D\uD83D', true],
    ['👍\uD83D', true],
  ])('%j -> %s', (s, lone) => {
    expect(hasLoneSurrogate(s)).toBe(lone);
  });
});

describe('UnitString walks agree with segmenting the whole string', () => {
  const text = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((t) => t.join(''));

  test.each(DELTA_UNITS)('%s: forward, backward and count', (unit) => {
    fc.assert(
      fc.property(text, (s) => {
        const units = splitUnits(s, unit);
        const ends: number[] = [0];
        for (const u of units) ends.push((ends[ends.length - 1] as number) + u.length);
        const us = new UnitString(s, unit);
        expect(countUnits(s, unit)).toBe(units.length);
        for (let k = 0; k <= units.length; k++) {
          expect(us.forward(0, k)).toBe(ends[k]);
          expect(us.backward(s.length, k)).toBe(ends[units.length - k]);
        }
        expect(us.forward(0, units.length + 1)).toBe(-1);
        expect(us.backward(s.length, units.length + 1)).toBe(-1);
      }),
      { numRuns: 300 },
    );
  });

  test.each(DELTA_UNITS)('%s: scanWindow tells whether the window end stays a boundary', (unit) => {
    fc.assert(
      fc.property(text, text, (w, rest) => {
        const next = rest === '' ? '' : String.fromCodePoint(rest.codePointAt(0) as number);
        const whole = splitUnits(w + rest, unit);
        const ends = new Set<number>([0]);
        let o = 0;
        for (const u of whole) ends.add((o += u.length));
        const r = scanWindow(w, next, unit);
        expect(r.boundary).toBe(ends.has(w.length));
        if (r.boundary) expect(r.count).toBe(splitUnits(w, unit).length);
      }),
      { numRuns: 500 },
    );
  });

  test.each(DELTA_UNITS)('%s: ForwardWalker over long text with a giant grapheme', (unit) => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...TOKENS, 'a' + '\u0301'.repeat(700), '🇮🇹'.repeat(200)), {
          minLength: 100,
          maxLength: 400,
        }),
        (tokens) => {
          const s = tokens.join('');
          const units = splitUnits(s, unit);
          const w = new ForwardWalker(s, unit);
          let o = 0;
          for (const u of units) {
            expect(w.step()).toBe(true);
            o += u.length;
            expect(w.pos).toBe(o);
          }
          expect(w.step()).toBe(false);
          expect(countUnits(s, unit)).toBe(units.length);
        },
      ),
      { numRuns: 15 },
    );
  });
});
