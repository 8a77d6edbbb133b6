import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { applyDeltas, DeltaError } from './apply.js';
import { createLiveText } from './live-text.js';
import { DELTA_UNITS, MAX_INSERT, MAX_OPS, type DeltaErrorReason, type DeltaUnit } from './types.js';
import { RefError, referenceApply, scriptFromDiff, splitUnits, TOKENS, type Op } from './delta.test-helper.js';

const mov = (value: unknown): Op => ({ command: 'mov', value });
const ins = (value: unknown): Op => ({ command: 'ins', value });
const del = (value: unknown): Op => ({ command: 'del', value });

/** Runs `f`, expecting a DeltaError; returns it. */
function deltaError(f: () => unknown): DeltaError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(DeltaError);
    return err as DeltaError;
  }
  throw new Error('expected a DeltaError, nothing was thrown');
}

const text = fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((t) => t.join(''));

describe('applyDeltas: semantics', () => {
  test('the seed example: mov then ins appends', () => {
    expect(applyDeltas('<p>Hello', [mov(8), ins('!')])).toBe('<p>Hello!');
  });

  test('text after the last op is kept; ins before a tail', () => {
    expect(applyDeltas('<p>Hello wor</p>', [mov(12), ins('ld')])).toBe('<p>Hello world</p>');
  });

  test('rewriting earlier HTML needs del: **bo -> <strong>bold</strong>', () => {
    const before = '<p>**bo</p>\n';
    const after = '<p><strong>bold</strong></p>\n';
    expect(applyDeltas(before, [mov(3), del(4), ins('<strong>bold</strong>')])).toBe(after);
    expect(applyDeltas(before, [mov(3), del('**bo'), ins('<strong>bold</strong>')])).toBe(after);
    expect(applyDeltas(before, scriptFromDiff(before, after, 'grapheme'))).toBe(after);
  });

  test('consecutive ins concatenate in order; ins does not move the cursor over old text', () => {
    expect(applyDeltas('ac', [mov(1), ins('b'), ins('B'), mov(1), ins('d')])).toBe('abBcd');
    expect(applyDeltas('xyz', [ins('1'), del(1), ins('2'), del('y')])).toBe('12z');
  });

  test('no-ops: empty script, mov 0, del 0, ins "", del ""', () => {
    const s = 'città 🇮🇹';
    expect(applyDeltas(s, [])).toBe(s);
    expect(applyDeltas(s, [mov(0), del(0), ins(''), del(''), mov(7)])).toBe(s);
  });

  test('empty text: insert everything', () => {
    expect(applyDeltas('', [ins('<p>Ciao 👋</p>')])).toBe('<p>Ciao 👋</p>');
    expect(applyDeltas('', [mov(0), ins('x')])).toBe('x');
  });

  test('the default unit is grapheme', () => {
    const s = '👨‍👩‍👧e\u0301🇮🇹x';
    expect(applyDeltas(s, [mov(3), ins('!')])).toBe('👨‍👩‍👧e\u0301🇮🇹!x');
    expect(applyDeltas(s, [mov(3), ins('!')], {})).toBe(applyDeltas(s, [mov(3), ins('!')], { unit: 'grapheme' }));
  });

  test.each<[DeltaUnit, number]>([
    ['grapheme', 4],
    ['codepoint', 10],
    ['utf16', 15],
  ])('positions count in %s units', (unit, len) => {
    const s = '👨‍👩‍👧e\u0301🇮🇹x';
    expect(applyDeltas(s, [mov(len), ins('!')], { unit })).toBe(`${s}!`);
    expect(deltaError(() => applyDeltas(s, [mov(len + 1)], { unit })).reason).toBe('past-end');
  });

  test('del "str" counts its length in the unit and must match whole units', () => {
    const s = 'e\u0301🇮🇹🇫🇷';
    expect(applyDeltas(s, [del('e\u0301'), del('🇮🇹')])).toBe('🇫🇷');
    // "e" is only part of the grapheme é; half a flag is not a whole grapheme.
    expect(deltaError(() => applyDeltas(s, [del('e')])).reason).toBe('del-mismatch');
    expect(deltaError(() => applyDeltas(s, [mov(1), del('🇮')])).reason).toBe('del-mismatch');
    expect(applyDeltas(s, [del('e')], { unit: 'codepoint' })).toBe('\u0301🇮🇹🇫🇷');
    expect(applyDeltas(s, [mov(2), del('🇮')], { unit: 'codepoint' })).toBe('e\u0301🇹🇫🇷');
  });

  test('an unknown unit is a RangeError, not a delta problem', () => {
    expect(() => applyDeltas('x', [], { unit: 'bytes' as DeltaUnit })).toThrow(RangeError);
  });
});

describe('applyDeltas: every invalid script is refused with its reason and op index', () => {
  const cases: [string, string, unknown, DeltaErrorReason, number | undefined, DeltaUnit?][] = [
    ['null', 'abc', null, 'not-a-list', undefined],
    ['an object', 'abc', { command: 'mov', value: 1 }, 'not-a-list', undefined],
    ['a string', 'abc', '[{"command":"mov","value":1}]', 'not-a-list', undefined],
    ['undefined', 'abc', undefined, 'not-a-list', undefined],
    ['a null op', 'abc', [mov(1), null], 'bad-op', 1],
    ['a number op', 'abc', [3], 'bad-op', 0],
    ['an array op', 'abc', [['mov', 1]], 'bad-op', 0],
    ['an op without command', 'abc', [{ value: 1 }], 'bad-op', 0],
    ['an op without value', 'abc', [mov(1), { command: 'mov' }], 'bad-op', 1],
    ['command MOV', 'abc', [{ command: 'MOV', value: 1 }], 'unknown-command', 0],
    ['command insert', 'abc', [{ command: 'insert', value: 'x' }], 'unknown-command', 0],
    ['command 42', 'abc', [{ command: 42, value: 1 }], 'unknown-command', 0],
    ['mov -1', 'abc', [mov(-1)], 'bad-value', 0],
    ['mov 1.5', 'abc', [mov(1.5)], 'bad-value', 0],
    ['mov "2"', 'abc', [mov('2')], 'bad-value', 0],
    ['mov NaN', 'abc', [mov(NaN)], 'bad-value', 0],
    ['mov Infinity', 'abc', [mov(Infinity)], 'bad-value', 0],
    ['mov null', 'abc', [mov(null)], 'bad-value', 0],
    ['del -2', 'abc', [del(-2)], 'bad-value', 0],
    ['del true', 'abc', [del(true)], 'bad-value', 0],
    ['ins 5', 'abc', [ins(5)], 'bad-value', 0],
    ['ins null', 'abc', [mov(1), ins(null)], 'bad-value', 1],
    ['mov past the end', 'abc', [mov(2), ins('x'), mov(2)], 'past-end', 2],
    ['del past the end', 'abc', [mov(1), del(3)], 'past-end', 1],
    ['del string past the end', 'abc', [mov(2), del('cd')], 'past-end', 1],
    ['mov on empty text', '', [mov(1)], 'past-end', 0],
    ['del mismatch', '<p>**bo</p>', [mov(3), del('**bi')], 'del-mismatch', 1],
    ['del is case sensitive', 'Abc', [del('abc')], 'del-mismatch', 0],
    ['utf16 del half a pair (lone low left)', '👍b', [del(1)], 'split-surrogate', undefined, 'utf16'],
    ['utf16 del the low half (lone high left)', 'a👍b', [mov(2), del(1)], 'split-surrogate', undefined, 'utf16'],
    ['utf16 del string of half a pair', '👍b', [del('\uD83D')], 'split-surrogate', undefined, 'utf16'],
    ['utf16 ins inside a pair', 'a👍b', [mov(2), ins('x')], 'split-surrogate', undefined, 'utf16'],
    ['utf16 new half that pairs with nothing', '👍b', [mov(1), del(1), ins('\uD83D')], 'split-surrogate', undefined, 'utf16'],
    ['ins a lone high surrogate', 'ab', [mov(1), ins('x\uD83D')], 'split-surrogate', 1],
    ['ins a lone low surrogate (codepoint)', 'ab', [ins('\uDC4D')], 'split-surrogate', 0, 'codepoint'],
    ['ins a lone surrogate (utf16)', 'ab', [ins('\uD83D')], 'split-surrogate', undefined, 'utf16'],
    ['too many ops', 'abc', Array.from({ length: MAX_OPS + 1 }, () => mov(0)), 'too-many-ops', MAX_OPS],
    ['one huge insert', 'abc', [ins('x'.repeat(MAX_INSERT + 1))], 'insert-too-large', 0],
    ['inserts adding up', 'abc', [ins('x'.repeat(40000)), mov(1), ins('y'.repeat(30000))], 'insert-too-large', 2],
    ['a bad op after good ones', 'abc', [mov(1), ins('x'), del(1), { command: 'nop', value: 0 }], 'unknown-command', 3],
  ];

  test.each(cases)('%s', (_name, input, script, reason, opIndex, unit) => {
    const err = deltaError(() => applyDeltas(input, script, unit ? { unit } : undefined));
    expect(err.reason).toBe(reason);
    expect(err.opIndex).toBe(opIndex);
    expect(err.message.length).toBeGreaterThan(10);
    // The reference agrees on the reason.
    expect(() => referenceApply(input, script, unit ?? 'grapheme')).toThrow(reason);
    // A LiveText refuses it too and stays as it was.
    const live = createLiveText(unit ?? 'grapheme', input);
    expect(deltaError(() => live.apply(script)).reason).toBe(reason);
    expect(live.toString()).toBe(input);
    expect(live.length).toBe(splitUnits(input, unit ?? 'grapheme').length);
    expect(live.apply([mov(live.length), ins('!')]).toString()).toBe(`${input}!`);
  });

  test('the limits themselves are allowed', () => {
    expect(applyDeltas('abc', [...Array.from({ length: MAX_OPS - 1 }, () => mov(0)), ins('!')])).toBe('!abc');
    expect(applyDeltas('', [ins('x'.repeat(MAX_INSERT))])).toHaveLength(MAX_INSERT);
    // Surrogate pairs are fine in inserts, in every unit.
    for (const unit of DELTA_UNITS) expect(applyDeltas('ab', [mov(1), ins('👍')], { unit })).toBe('a👍b');
  });

  test('a utf16 script that keeps pairs whole works', () => {
    expect(applyDeltas('a👍b', [mov(3), ins('!')], { unit: 'utf16' })).toBe('a👍!b');
    expect(applyDeltas('a👍b', [mov(1), del(2), ins('👎')], { unit: 'utf16' })).toBe('a👎b');
  });

  test('utf16: positions inside a pair are fine when the result is well-formed', () => {
    // 😀 U+1F600 and 😃 U+1F603 share the high surrogate \uD83D: a UTF-16 differ keeps it
    // and swaps only the low half, stopping between the two halves.
    const cases: [string, Op[], string][] = [
      ['😀', [mov(1), del(1), ins('\uDE03')], '😃'],
      ['a😀b', [mov(2), del('\uDE00'), ins('\uDE03')], 'a😃b'],
      ['😀', [mov(1), ins('\uDE03\uD83D')], '😃😀'],
      ['x😀', [mov(2)], 'x😀'],
      ['😀😀', [mov(1), del(3), ins('\uDE03')], '😃'],
    ];
    for (const [input, script, expected] of cases) {
      expect(applyDeltas(input, script, { unit: 'utf16' })).toBe(expected);
      expect(referenceApply(input, script, 'utf16')).toBe(expected);
      const live = createLiveText('utf16', input).apply(script);
      expect(live.toString()).toBe(expected);
      expect(live.length).toBe(expected.length);
    }
  });

  test("utf16: a lone surrogate that was already there is not the script's fault", () => {
    expect(applyDeltas('a\uD83Db', [mov(3), ins('!')], { unit: 'utf16' })).toBe('a\uD83Db!');
    expect(applyDeltas('a\uD83Db', [mov(1), ins('x')], { unit: 'utf16' })).toBe('ax\uD83Db');
    // ... and an insert may complete it.
    expect(applyDeltas('a\uD83Db', [mov(2), ins('\uDE00')], { unit: 'utf16' })).toBe('a😀b');
  });
});

describe('unit mismatch (documented behaviour: undetectable in general)', () => {
  // A codepoint script read as graphemes counts e+U+0301 as one position instead of two, so
  // it lands further right: silent corruption while in range, past-end beyond it.
  const s = 'caffe\u0301 ok';
  const cpScript = [mov(6), ins('!')]; // after "caffé" in code points
  test('codepoint deltas applied as grapheme corrupt silently', () => {
    expect(applyDeltas(s, cpScript, { unit: 'codepoint' })).toBe('caffe\u0301! ok');
    expect(applyDeltas(s, cpScript, { unit: 'grapheme' })).toBe('caffe\u0301 !ok');
  });
  test('... and throw past-end once they reach beyond the grapheme length', () => {
    expect(applyDeltas(s, [mov(9), ins('!')], { unit: 'codepoint' })).toBe(`${s}!`);
    expect(deltaError(() => applyDeltas(s, [mov(9), ins('!')], { unit: 'grapheme' })).reason).toBe('past-end');
  });
});

describe('property: Myers scripts from jsdiff turn a into b', () => {
  test.each<[DeltaUnit | 'utf16-by-codepoint', DeltaUnit]>([
    ['grapheme', 'grapheme'],
    ['codepoint', 'codepoint'],
    ['utf16-by-codepoint', 'utf16'],
  ])('%s', (mode, unit) => {
    fc.assert(
      fc.property(text, text, fc.boolean(), (a, b, stringDel) => {
        const script = scriptFromDiff(a, b, mode, stringDel);
        expect(applyDeltas(a, script, { unit })).toBe(b);
        expect(createLiveText(unit, a).apply(script).toString()).toBe(b);
      }),
      { numRuns: 400 },
    );
  });

  test('utf16 over code units (jsdiff): every script applies, including ones that stop inside a pair', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const script = scriptFromDiff(a, b, 'utf16');
        expect(referenceApply(a, script, 'utf16')).toBe(b);
        expect(applyDeltas(a, script, { unit: 'utf16' })).toBe(b);
        expect(createLiveText('utf16', a).apply(script).toString()).toBe(b);
      }),
      { numRuns: 400 },
    );
  });
});

describe('fuzz: random op lists match the reference or throw DeltaError, never anything else', () => {
  const junk = fc.oneof(
    fc.constant(null),
    fc.integer(),
    fc.string(),
    fc.constant([]),
    fc.record({ command: fc.constantFrom('mov', 'ins', 'del', 'MOV', 'x') }),
    fc.record({ value: fc.integer() }),
  );
  const value = fc.oneof(
    fc.nat({ max: 12 }),
    fc.integer({ min: -3, max: 3 }),
    fc.double(),
    fc.constantFrom(...TOKENS),
    fc.string({ maxLength: 3 }),
    fc.constantFrom(null, true, '\uD83D', '', '1'),
  );
  const op = fc.oneof(
    { weight: 8, arbitrary: fc.record({ command: fc.constantFrom('mov', 'ins', 'del'), value }) },
    { weight: 1, arbitrary: fc.record({ command: fc.oneof(fc.string(), fc.integer()), value }) },
    { weight: 1, arbitrary: junk },
  );
  const script = fc.oneof({ weight: 12, arbitrary: fc.array(op, { maxLength: 8 }) }, { weight: 1, arbitrary: junk });

  test.each(DELTA_UNITS)('%s', (unit) => {
    fc.assert(
      fc.property(text, script, (s, deltas) => {
        let expected: string | RefError;
        try {
          expected = referenceApply(s, deltas, unit);
        } catch (err) {
          if (!(err instanceof RefError)) throw err;
          expected = err;
        }
        const live = createLiveText(unit, s);
        if (typeof expected === 'string') {
          expect(applyDeltas(s, deltas, { unit })).toBe(expected);
          const next = live.apply(deltas);
          expect(next.toString()).toBe(expected);
          expect(next.length).toBe(splitUnits(expected, unit).length);
        } else {
          const e1 = deltaError(() => applyDeltas(s, deltas, { unit }));
          const e2 = deltaError(() => live.apply(deltas));
          expect([e1.reason, e1.opIndex]).toEqual([expected.reason, expected.opIndex]);
          expect([e2.reason, e2.opIndex]).toEqual([expected.reason, expected.opIndex]);
          expect(live.toString()).toBe(s);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('public entry point (src/core/index.ts)', () => {
  test('re-exports the applier, the error class and LiveText', async () => {
    const core = await import('../index.js');
    expect(
      core.applyDeltas('<p>a</p>', [
        { command: 'mov', value: 4 },
        { command: 'ins', value: '👋' },
      ]),
    ).toBe('<p>a👋</p>');
    expect(core.DeltaError).toBe(DeltaError);
    expect(
      core
        .createLiveText('utf16', 'ab')
        .apply([{ command: 'del', value: 1 }])
        .toString(),
    ).toBe('b');
    expect(core.MAX_OPS).toBe(MAX_OPS);
  });
});

describe('utf16 deltas from a UTF-16 differ over random emoji strings (property)', () => {
  // Emoji that share a high surrogate (\uD83D: 😀😃😁🙂👍, \uD83E: 🤖🥳), so jsdiff over
  // code units keeps the high half and swaps only the low one; plus text and a ZWJ family.
  const EMOJI = ['😀', '😃', '😁', '🙂', '👍', '🤖', '🥳', '👨\u200d👩\u200d👧', 'a', ' ', '<p>', 'é'];
  const emojiText = fc.array(fc.constantFrom(...EMOJI), { maxLength: 24 }).map((t) => t.join(''));

  test('a stream of UTF-16 diffs rebuilds every version exactly (applyDeltas and LiveText)', () => {
    fc.assert(
      fc.property(fc.array(emojiText, { minLength: 1, maxLength: 8 }), fc.boolean(), (versions, stringDel) => {
        let live = createLiveText('utf16');
        let prev = '';
        for (const next of versions) {
          const script = scriptFromDiff(prev, next, 'utf16', stringDel);
          expect(applyDeltas(prev, script, { unit: 'utf16' })).toBe(next);
          live = live.apply(script);
          expect(live.toString()).toBe(next);
          expect(live.length).toBe(next.length);
          prev = next;
        }
      }),
      { numRuns: 300 },
    );
  });

  test('such diffs really do stop inside pairs (the case this is about)', () => {
    const script = scriptFromDiff('😀', '😃', 'utf16');
    expect(script).toEqual([mov(1), del(1), ins('\uDE03')]);
  });

  test('a script whose result gains a lone surrogate is refused whole, and matches the reference', () => {
    const op = fc.oneof(
      fc.nat({ max: 6 }).map((n) => mov(n)),
      fc.nat({ max: 3 }).map((n) => del(n)),
      fc.constantFrom('\uD83D', '\uDE00', '\uDE03', 'x', '😀', '\uDE03\uD83D').map((v) => ins(v)),
    );
    fc.assert(
      fc.property(emojiText, fc.array(op, { maxLength: 6 }), (a, script) => {
        let expected: string | RefError;
        try {
          expected = referenceApply(a, script, 'utf16');
        } catch (err) {
          expected = err as RefError;
        }
        const live = createLiveText('utf16', a);
        if (typeof expected === 'string') {
          expect(applyDeltas(a, script, { unit: 'utf16' })).toBe(expected);
          expect(live.apply(script).toString()).toBe(expected);
        } else {
          expect(deltaError(() => applyDeltas(a, script, { unit: 'utf16' })).reason).toBe(expected.reason);
          expect(deltaError(() => live.apply(script)).reason).toBe(expected.reason);
          expect(live.toString()).toBe(a);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
