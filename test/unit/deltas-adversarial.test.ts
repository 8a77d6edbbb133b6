// applyDeltas / createLiveText against scripts from our own Myers (jsdiff diffArrays over
// graphemes, code points or UTF-16 units) on adversarial strings, checked against a naive
// reference applier (test/fixtures/foreign-deltas.ts).
import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as src from '../../src/core/index.js';
import { myersScript, naiveApply, unitsOf, type ScriptStyle, type Unit, type WireDelta } from '../fixtures/foreign-deltas.js';

type Core = typeof src;
const distPath = resolve(import.meta.dirname, '../../dist/core.js');
const impls: [string, Core][] = [['src', src]];
if (existsSync(distPath)) impls.push(['dist', (await import(pathToFileURL(distPath).href)) as Core]);
else console.warn('deltas-adversarial: dist/core.js is absent (run node scripts/build.js); testing src only');

const UNITS: Unit[] = ['grapheme', 'codepoint', 'utf16'];
const STYLES: ScriptStyle[] = [
  {},
  { delAsStringEvery: 1, leadingMov0: true, trailingMov: true },
  { splitInserts: true, delAsStringEvery: 2 },
];

/** Strings built up the way a stream builds them, one piece at a time. */
const SEQUENCES: string[][] = [
  ['👨', '👨\u200d', '👨\u200d👩', '👨\u200d👩\u200d👧', '👨\u200d👩\u200d👧\u200d👦', '👨\u200d👩\u200d👧\u200d👦!'],
  ['🇮', '🇮🇹', '🇮🇹🇫', '🇮🇹🇫🇷', 'x🇮🇹🇫🇷', 'x🇹🇫🇷', 'x🇹🇫🇷🇩'],
  ['👍', '👍🏽', '👍🏽👍', '👍🏿👍', 'ok 👍🏿'],
  ['a', 'a\u0301', 'a\u0301\u0302', 'a\u0301\u0302\u0303', 'ba\u0301\u0302\u0303', 'b\u0301\u0302\u0303'],
  ['\u1112', '\u1112\u1161', '\u1112\u1161\u11ab', '한', '한\u1100', '한\u1100\u1161'],
  ['a\r', 'a\r\n', 'a\r\nb', 'a\rb', 'a\n\rb', '\r\n\r\n'],
  ['✔', '✔\ufe0f', '✔\ufe0f❤', '✔\ufe0f❤\ufe0f', '✔\ufe0f❤\ufe0f\u200d🔥'],
  ['<p>**bo', '<p>**bold', '<p><strong>bold</strong></p>', '<p><strong>bold</strong> 😀</p>', '<p><em>bold</em> 😁</p>'],
];
const PIECES = [
  'a',
  'é',
  'e\u0301',
  '\u0308',
  '\u200d',
  '👩',
  '🏽',
  '🇮',
  '🇹',
  '\ufe0f',
  '❤',
  '\r',
  '\n',
  '\u1112',
  '\u1161',
  '\u11ab',
  '<p>',
  '😀',
  '😁',
  ' ',
];

function isHigh(c: number) {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLow(c: number) {
  return c >= 0xdc00 && c <= 0xdfff;
}
function hasLone(s: string) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isHigh(c) && !isLow(s.charCodeAt(i + 1))) return true;
    if (isLow(c) && !isHigh(s.charCodeAt(i - 1))) return true;
    if (isHigh(c)) i++;
  }
  return false;
}

/**
 * In utf16 a script may stop between the halves of a pair (a UTF-16 differ does); what the
 * applier refuses is a result holding a lone surrogate that the old text did not have.
 * Every string in these corpora is well-formed, so a script from prev to next never is.
 */
function utf16Refuses(prev: string, next: string): boolean {
  return hasLone(next) && !hasLone(prev);
}

for (const [name, core] of impls) {
  /** Applies with both the plain applier and a LiveText; both must agree. */
  function check(prev: string, next: string, unit: Unit, style: ScriptStyle) {
    const script = myersScript(prev, next, unit, style);
    const ctx = JSON.stringify({ prev, next, unit, script });
    if (unit === 'utf16' && utf16Refuses(prev, next)) {
      let reason: unknown;
      try {
        core.applyDeltas(prev, script, { unit });
      } catch (e) {
        reason = (e as { reason?: unknown }).reason;
      }
      expect(reason, ctx).toBe('split-surrogate');
      return;
    }
    expect(naiveApply(prev, script, unit), ctx).toBe(next);
    expect(core.applyDeltas(prev, script, { unit }), ctx).toBe(next);
    expect(core.createLiveText(unit, prev).apply(script).toString(), ctx).toBe(next);
  }

  describe(`applyDeltas adversarial (${name})`, () => {
    it('streamed sequences of ZWJ, flags, skin tones, combining marks, jamo, CRLF, VS16', () => {
      for (const unit of UNITS) {
        for (const style of STYLES) {
          for (const seq of SEQUENCES) {
            let live = core.createLiveText(unit);
            let prev = '';
            for (const next of seq) {
              check(prev, next, unit, style);
              const script = myersScript(prev, next, unit, style);
              if (!(unit === 'utf16' && utf16Refuses(prev, next))) {
                live = live.apply(script);
                expect(live.toString()).toBe(next);
                expect(live.length).toBe(unitsOf(next, unit).length);
                prev = next;
              } else {
                live = core.createLiveText(unit, next);
                prev = next;
              }
            }
          }
        }
      }
    });

    it('every pair across the corpus, every unit', () => {
      const all = SEQUENCES.flat();
      for (const unit of UNITS) for (const a of all) for (const b of all) check(a, b, unit, STYLES[(a.length + b.length) % 3] ?? {});
    });

    it('random strings from an adversarial alphabet (property)', () => {
      const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 14 }).map((p) => p.join(''));
      fc.assert(
        fc.property(text, text, fc.constantFrom(...UNITS), fc.constantFrom(...STYLES), (a, b, unit, style) => {
          check(a, b, unit, style);
        }),
        { numRuns: 1500 },
      );
    });

    it('lone surrogates in the existing text are kept and can be moved over (codepoint, grapheme)', () => {
      for (const unit of ['codepoint', 'grapheme'] as const) {
        const prev = 'a\ud800b\udc00c';
        const next = 'a\ud800bX\udc00cY';
        check(prev, next, unit, {});
      }
      // An insert holding a lone surrogate is refused in every unit.
      for (const unit of UNITS) {
        expect(() =>
          core.applyDeltas(
            'ab',
            [
              { command: 'mov', value: 1 },
              { command: 'ins', value: '\ud83d' },
            ],
            { unit },
          ),
        ).toThrow(core.DeltaError);
      }
    });

    it('every invalid-script reason, and nothing changes', () => {
      const cases: [unknown, string, string][] = [
        [{ command: 'ins' }, 'abc', 'not-a-list'],
        ['mov 1', 'abc', 'not-a-list'],
        [[null], 'abc', 'bad-op'],
        [[['mov', 1]], 'abc', 'bad-op'],
        [[{ command: 'mov' }], 'abc', 'bad-op'],
        [[{ command: 'jmp', value: 1 }], 'abc', 'unknown-command'],
        [[{ command: 'MOV', value: 1 }], 'abc', 'unknown-command'],
        [[{ command: 'mov', value: -1 }], 'abc', 'bad-value'],
        [[{ command: 'mov', value: 1.5 }], 'abc', 'bad-value'],
        [[{ command: 'mov', value: '1' }], 'abc', 'bad-value'],
        [[{ command: 'del', value: null }], 'abc', 'bad-value'],
        [[{ command: 'ins', value: 5 }], 'abc', 'bad-value'],
        [[{ command: 'mov', value: 4 }], 'abc', 'past-end'],
        [
          [
            { command: 'mov', value: 2 },
            { command: 'del', value: 2 },
          ],
          'abc',
          'past-end',
        ],
        [
          [
            { command: 'mov', value: 2 },
            { command: 'del', value: 'cd' },
          ],
          'abc',
          'past-end',
        ],
        [[{ command: 'del', value: 'b' }], 'abc', 'del-mismatch'],
        [[{ command: 'ins', value: '\udc00' }], 'abc', 'split-surrogate'],
        [Array.from({ length: 1001 }, () => ({ command: 'mov', value: 0 })), 'abc', 'too-many-ops'],
        [
          [
            { command: 'ins', value: 'x'.repeat(40_000) },
            { command: 'ins', value: 'y'.repeat(30_000) },
          ],
          'abc',
          'insert-too-large',
        ],
      ];
      for (const [script, text, reason] of cases) {
        for (const unit of UNITS) {
          let got: unknown = 'no error';
          try {
            core.applyDeltas(text, script, { unit });
          } catch (e) {
            expect(e).toBeInstanceOf(core.DeltaError);
            got = (e as { reason?: unknown }).reason;
          }
          expect(got, `${JSON.stringify(script).slice(0, 80)} ${unit}`).toBe(reason);
          const live = core.createLiveText(unit, text);
          expect(() => live.apply(script)).toThrow(core.DeltaError);
          expect(live.toString()).toBe(text);
        }
      }
      // utf16: an insert inside a surrogate pair leaves two lone halves.
      expect(() =>
        core.applyDeltas(
          '😀x',
          [
            { command: 'mov', value: 1 },
            { command: 'ins', value: 'y' },
          ],
          { unit: 'utf16' },
        ),
      ).toThrow(expect.objectContaining({ reason: 'split-surrogate' }));
      // Invalid late in a script: the valid ops before it are not applied either.
      const live = core.createLiveText('grapheme', 'hello');
      expect(() =>
        live.apply([
          { command: 'ins', value: 'X' },
          { command: 'mov', value: 99 },
        ]),
      ).toThrow(core.DeltaError);
      expect(live.toString()).toBe('hello');
    });

    it('a 200 KB text edited by 10,000 scripts stays linear-ish (LiveText, all units)', () => {
      const base = 'Lorem ipsum 👨\u200d👩\u200d👧 dolor é 🇮🇹 sit 한 amet, '.repeat(4000); // ~200 KB
      for (const unit of UNITS) {
        let live = core.createLiveText(unit, base);
        const ref = unitsOf(base, unit);
        let seed = 12345;
        const rand = (n: number) => {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          return seed % n;
        };
        for (let k = 0; k < 10_000; k++) {
          // Mostly edits near the end (streaming), sometimes anywhere.
          let at = rand(10) === 0 ? rand(ref.length) : Math.max(0, ref.length - 1 - rand(40));
          let end = Math.min(at + rand(3), ref.length);
          // utf16: never insert inside a surrogate pair (that leaves lone halves: a refused script, tested above).
          const inside = (p: number) =>
            p > 0 && p < ref.length && isHigh((ref[p - 1] as string).charCodeAt(0)) && isLow((ref[p] as string).charCodeAt(0));
          if (inside(at)) at--;
          if (inside(end)) end++;
          const ins = k % 7 === 0 ? '😀' : 'z';
          const script: WireDelta[] = [
            { command: 'mov', value: at },
            { command: 'del', value: end - at },
            { command: 'ins', value: ins },
          ];
          live = live.apply(script);
          ref.splice(at, end - at, ...unitsOf(ins, unit)); // in place: the reference stays cheap
        }
        expect(live.toString()).toBe(ref.join(''));
      }
    }, 60_000);
  });
}
