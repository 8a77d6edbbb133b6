import { describe, expect, test, vi } from 'vitest';
import fc from 'fast-check';
import { countUnits, hasLoneSurrogate, isSimpleGraphemeCode, scanWindow, ForwardWalker, UnitString } from './units.js';
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

describe('emoji sequences are walked without the segmenter', () => {
  /** Checks every boundary UnitString finds (both ways) against Intl.Segmenter on `s`. */
  const agrees = (s: string): void => {
    const ends = [0];
    for (const g of graphemes(s)) ends.push(ends[ends.length - 1]! + g.length);
    const us = new UnitString(s, 'grapheme');
    for (let k = 0; k < ends.length; k++) {
      expect(us.forward(0, k), JSON.stringify(s)).toBe(ends[k]);
      expect(us.backward(s.length, k), JSON.stringify(s)).toBe(ends[ends.length - 1 - k]);
    }
  };

  test('every Extended_Pictographic code point, alone, repeated, with FE0F, skin tone and ZWJ', () => {
    let count = 0;
    for (let cp = 0x80; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const e = String.fromCodePoint(cp);
      if (!/\p{Extended_Pictographic}/u.test(e)) continue;
      count++;
      for (const s of [
        `a${e}b`,
        `${e}${e}`,
        `x ${e}\uFE0F.`,
        `${e}🏽${e}`,
        `${e}\u200D${e}\uFE0F`,
        `🇮🇹${e}🇮`,
        `${e}\u0301a`,
        `a\u200D${e}`,
      ])
        agrees(s);
    }
    expect(count).toBeGreaterThan(2500);
  });

  test('flags, families, skin tones and keycaps in text', () => {
    const spy = vi.spyOn(Intl.Segmenter.prototype, 'segment');
    const text = 'Italy 🇮🇹 and 🇫🇷🇮🇹🇮, a family 👨‍👩‍👧 at 👩‍💻 work 👍🏽 ❤️ 📏 🚲. ©®';
    const us = new UnitString(text, 'grapheme');
    const n = countUnits(text, 'grapheme');
    expect(us.forward(0, n)).toBe(text.length);
    expect(us.backward(text.length, n)).toBe(0);
    const calls = spy.mock.calls.length;
    spy.mockRestore();
    expect(n).toBe(graphemes(text).length);
    expect(calls).toBe(0);
    // What the quick path does not know still goes to the segmenter, and agrees with it.
    for (const s of ['1️⃣ #️⃣', 'e\u0301👍', '👍\u0301', 'क्षि 👍', '\r\n👍', '\u1100한👍']) agrees(s);
  });

  test.each(DELTA_UNITS)('%s: random emoji-heavy text walks like the segmenter', (unit) => {
    const emoji = ['🇮', '🇹', '🇮🇹', '👍', '🏽', '\u200D', '\uFE0F', '❤', '©', '👩‍💻', 'a', ' ', '\u0301', '1', '\r', '\n'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...emoji), { maxLength: 30 }), (t) => {
        const s = t.join('');
        const units = splitUnits(s, unit);
        const us = new UnitString(s, unit);
        let o = 0;
        for (let k = 0; k <= units.length; k++) {
          expect(us.forward(0, k)).toBe(o);
          o += units[k]?.length ?? 0;
        }
        o = s.length;
        for (let k = 0; k <= units.length; k++) {
          expect(us.backward(s.length, k)).toBe(o);
          o -= units[units.length - 1 - k]?.length ?? 0;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
