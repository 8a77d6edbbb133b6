import { afterEach, describe, expect, test, vi } from 'vitest';
import fc from 'fast-check';
import { marked } from 'marked';
import { applyDeltas, DeltaError } from './apply.js';
import { createLiveText, inspectLiveText, liveTextTail, sharedPrefixLength } from './live-text.js';
import { isSimpleString } from './units.js';
import { DELTA_UNITS, type DeltaUnit, type LiveText } from './types.js';
import { scriptFromDiff, splitUnits, TOKENS } from './delta.test-helper.js';

/** utf16 scripts are generated over code points so that they never split a pair. */
const modeFor = (unit: DeltaUnit) => (unit === 'utf16' ? 'utf16-by-codepoint' : unit);

/**
 * Checks a LiveText against the whole string segmented at once: its length, its pieces'
 * counts, and that every piece boundary is a true unit boundary of the whole text.
 */
function checkInvariants(live: LiveText, expected: string): void {
  const s = live.toString();
  expect(s).toBe(expected);
  const units = splitUnits(s, live.unit);
  expect(live.length).toBe(units.length);
  expect(live.utf16Length).toBe(s.length);
  const boundaries = new Set<number>([0]);
  let o = 0;
  for (const u of units) boundaries.add((o += u.length));
  let at = 0;
  let total = 0;
  for (const p of inspectLiveText(live)) {
    expect(p.s.length).toBeGreaterThan(0);
    expect(boundaries.has(at)).toBe(true);
    expect(p.n).toBe(splitUnits(p.s, live.unit).length);
    // The flag may stay false after the complex part went away (it is only a shortcut).
    if (p.simple) expect(isSimpleString(live.unit, p.s)).toBe(true);
    if (p.n > 1) expect(p.s.length).toBeLessThanOrEqual(1024 + 64);
    at += p.s.length;
    total += p.n;
  }
  expect(at).toBe(s.length);
  expect(total).toBe(units.length);
}

const tokens = (min: number, max: number) => fc.array(fc.constantFrom(...TOKENS), { minLength: min, maxLength: max });

/** A random edit of a token list: splice a few tokens somewhere. */
const splice = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  remove: fc.nat({ max: 4 }),
  add: tokens(0, 4),
});

type Splice = { at: number; remove: number; add: string[] };

/**
 * Versions of a text made by token splices, each LiveText made from the one before by a
 * Myers script: `before`/`after` and their strings `prev`/`next`.
 */
function* versions(unit: DeltaUnit, base: string[], steps: Splice[][], first = createLiveText(unit, base.join(''))) {
  let toks = base;
  let prev = toks.join('');
  let before = first;
  for (const edits of steps) {
    for (const e of edits) {
      const at = Math.floor(e.at * toks.length);
      toks = [...toks.slice(0, at), ...e.add, ...toks.slice(at + e.remove)];
    }
    const next = toks.join('');
    const after = before.apply(scriptFromDiff(prev, next, modeFor(unit)));
    yield { before, after, prev, next };
    before = after;
    prev = next;
  }
}

describe('LiveText: basics', () => {
  test('empty by default, grapheme unit by default', () => {
    const live = createLiveText();
    expect(live.unit).toBe('grapheme');
    expect(live.length).toBe(0);
    expect(live.utf16Length).toBe(0);
    expect(live.toString()).toBe('');
  });

  test.each(DELTA_UNITS)('%s: initial text and lengths', (unit) => {
    const s = '<p>Perché 👨‍👩‍👧 e\u0301 🇮🇹🇫🇷</p>';
    const live = createLiveText(unit, s);
    checkInvariants(live, s);
  });

  test('apply returns a new LiveText and leaves the old one as it was', () => {
    const a = createLiveText('grapheme', '<p>Ciao</p>');
    const b = a.apply([
      { command: 'mov', value: 7 },
      { command: 'ins', value: ' 👋' },
    ]);
    expect(a.toString()).toBe('<p>Ciao</p>');
    expect(b.toString()).toBe('<p>Ciao 👋</p>');
    expect(b.length).toBe(a.length + 2);
    expect(a.apply([])).toBe(a);
  });

  test('a refused script throws DeltaError and changes nothing, even after good ops', () => {
    const a = createLiveText('grapheme', '<p>Ciao</p>');
    expect(() =>
      a.apply([
        { command: 'mov', value: 3 },
        { command: 'ins', value: 'X' },
        { command: 'mov', value: 99 },
      ]),
    ).toThrow(DeltaError);
    checkInvariants(a, '<p>Ciao</p>');
  });

  test('an unknown unit is a RangeError', () => {
    expect(() => createLiveText('bytes' as DeltaUnit)).toThrow(RangeError);
  });
});

describe('LiveText: graphemes built token by token merge like the whole string', () => {
  // Each part arrives on its own, inserted before a closing tail, so the insertion has
  // to merge with the grapheme before it (and sometimes the one after it).
  const parts = [
    '👨',
    '\u200d',
    '👩',
    '\u200d',
    '👧',
    ' ',
    '🇮',
    '🇹',
    '🇫',
    '🇷',
    '🇮',
    ' ',
    'e',
    '\u0301',
    '\u0308',
    '👍',
    '🏽',
    '\r',
    '\n',
    'क',
    '्',
    'ष',
    '\u1100',
    '\u1161',
    '\u11a8',
    '\u0600',
    '1',
    '❤',
    '\uFE0F',
  ];
  test.each(DELTA_UNITS)('%s', (unit) => {
    let live = createLiveText(unit, '<p></p>\n');
    let html = '<p></p>\n';
    for (const part of parts) {
      const next = `${html.slice(0, -5)}${part}</p>\n`;
      // (Not a fixed "mov length - 5": after U+0600, a prepended mark, "<" joins its grapheme.)
      live = live.apply(scriptFromDiff(html, next, modeFor(unit)));
      html = next;
      checkInvariants(live, html);
    }
    // Flags typed one regional indicator at a time, then one removed from the front.
    const flags = createLiveText(unit, '🇮🇹🇫🇷🇩🇪');
    const shifted = flags.apply([
      { command: 'del', value: '🇮🇹' },
      { command: 'ins', value: '🇮' },
    ]);
    checkInvariants(shifted, '🇮🇫🇷🇩🇪');
  });
});

describe('LiveText: chains of Myers scripts', () => {
  test.each(DELTA_UNITS)('%s: short random strings', (unit) => {
    fc.assert(
      fc.property(
        fc.array(
          tokens(0, 25).map((t) => t.join('')),
          { minLength: 2, maxLength: 8 },
        ),
        (texts) => {
          let live = createLiveText(unit, texts[0]);
          checkInvariants(live, texts[0] as string);
          for (let i = 1; i < texts.length; i++) {
            const script = scriptFromDiff(texts[i - 1] as string, texts[i] as string, modeFor(unit), i % 2 === 0);
            live = live.apply(script);
            checkInvariants(live, texts[i] as string);
            expect(applyDeltas(texts[i - 1] as string, script, { unit })).toBe(texts[i]);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  test.each(DELTA_UNITS)('%s: long texts (many pieces) edited anywhere', (unit) => {
    fc.assert(
      fc.property(tokens(200, 900), fc.array(splice, { minLength: 1, maxLength: 12 }), fc.boolean(), (base, edits, startEmpty) => {
        let toks = base;
        let prev = startEmpty ? '' : toks.join('');
        let live = createLiveText(unit, prev);
        if (startEmpty) {
          live = live.apply(scriptFromDiff('', toks.join(''), modeFor(unit)));
          prev = toks.join('');
        }
        checkInvariants(live, prev);
        for (const e of edits) {
          const at = Math.floor(e.at * toks.length);
          toks = [...toks.slice(0, at), ...e.add, ...toks.slice(at + e.remove)];
          const next = toks.join('');
          live = live.apply(scriptFromDiff(prev, next, modeFor(unit)));
          prev = next;
        }
        checkInvariants(live, prev);
      }),
      { numRuns: 25 },
    );
  });

  test.each(DELTA_UNITS)('%s: several edits in one script, far apart and close together', (unit) => {
    fc.assert(
      fc.property(tokens(300, 700), fc.array(splice, { minLength: 2, maxLength: 6 }), (base, edits) => {
        let toks = base;
        for (const e of edits) {
          const at = Math.floor(e.at * toks.length);
          toks = [...toks.slice(0, at), ...e.add, ...toks.slice(at + e.remove)];
        }
        const a = base.join('');
        const b = toks.join('');
        const live = createLiveText(unit, a).apply(scriptFromDiff(a, b, modeFor(unit)));
        checkInvariants(live, b);
      }),
      { numRuns: 25 },
    );
  });
});

describe('LiveText: streaming HTML rendered by marked', () => {
  const md = [
    '# Benvenuto 👋',
    '',
    'Ciao! Sono il tuo **assistente virtuale** e posso aiutarti con _molte_ cose: perché no? 🇮🇹🇫🇷',
    '',
    '- prenotazioni e\u0301 più veloci 👨‍👩‍👧',
    '- **pagamenti** sicuri 👍🏽',
    '- supporto in città, 24/7',
    '',
    'Ecco un esempio di `codice` e un [link](https://indigo.ai) — tutto qui. 😀',
    '',
    '1. primo **passo**',
    '2. secondo *passo* con 中文',
    '',
    '> Nota: il testo __può__ cambiare.',
    '',
  ].join('\n');

  /** The markdown cut into model tokens of 1 to 5 code points. */
  function chunks(s: string): string[] {
    const cps = Array.from(s);
    const out: string[] = [];
    for (let i = 0, k = 0; i < cps.length; k++) {
      const n = 1 + ((k * 7 + 3) % 5);
      out.push(cps.slice(i, i + n).join(''));
      i += n;
    }
    return out;
  }

  test.each(DELTA_UNITS)('%s', (unit) => {
    let raw = '';
    let html = '';
    let live = createLiveText(unit);
    let deletes = 0;
    for (const chunk of chunks(md)) {
      raw += chunk;
      const next = marked.parse(raw, { async: false });
      const script = scriptFromDiff(html, next, modeFor(unit), deletes % 2 === 1);
      if (script.some((op) => op.command === 'del')) deletes++;
      live = live.apply(script);
      expect(live.toString()).toBe(next);
      expect(live.length).toBe(splitUnits(next, unit).length);
      html = next;
    }
    // Rewrites of earlier HTML (**bo -> <strong>bold</strong>, list items, ...) happened.
    expect(deletes).toBeGreaterThanOrEqual(5);
    expect(html).toContain('<strong>assistente virtuale</strong>');
    checkInvariants(live, marked.parse(md, { async: false }));
  });
});

describe('LiveText: work per call stays local', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  test('streaming a long emoji-rich answer never hands a long string to the segmenter', () => {
    const lengths: number[] = [];
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with .call(this, s)
    const original = Intl.Segmenter.prototype.segment;
    vi.spyOn(Intl.Segmenter.prototype, 'segment').mockImplementation(function (this: Intl.Segmenter, s: string) {
      lengths.push(s.length);
      return original.call(this, s);
    });
    const words = ['Ciao ', 'città ', '👨‍👩‍👧 ', 'perché ', 'e\u0301 ', '🇮', '🇹 ', '👍', '🏽 ', 'ok. ', '\n'];
    let live = createLiveText('grapheme', '<p></p>\n');
    let expected = '<p></p>\n';
    for (let i = 0; i < 8000; i++) {
      const w = words[i % words.length] as string;
      live = live.apply([
        { command: 'mov', value: live.length - 5 },
        { command: 'ins', value: w },
      ]);
      expected = `${expected.slice(0, -5)}${w}</p>\n`;
    }
    expect(live.utf16Length).toBeGreaterThan(30_000);
    expect(lengths.length).toBeGreaterThan(0);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(1100);
    vi.restoreAllMocks();
    checkInvariants(live, expected);
  });

  test('an append near the end shares every untouched piece with the previous version', () => {
    const s = `<p>${'Lorem ipsum dolor sit amet, 👋 città. '.repeat(600)}</p>\n`;
    const a = createLiveText('grapheme', s);
    const b = a.apply([
      { command: 'mov', value: a.length - 5 },
      { command: 'ins', value: 'fine 🇮🇹' },
    ]);
    const pa = inspectLiveText(a);
    const pb = inspectLiveText(b);
    expect(pa.length).toBeGreaterThan(30);
    const shared = pb.filter((p) => pa.includes(p)).length;
    expect(shared).toBeGreaterThanOrEqual(pa.length - 1);
    checkInvariants(b, `${s.slice(0, -5)}fine 🇮🇹</p>\n`);
  });
});

describe('sharedPrefixLength: what a LiveText shares with the one it was made from', () => {
  test.each(DELTA_UNITS)('%s: a prefix both texts really have, close to the first edit', (unit) => {
    fc.assert(
      fc.property(
        tokens(100, 600),
        fc.array(fc.array(splice, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
        (base, steps) => {
          const first = createLiveText(unit, base.join(''));
          let live = first;
          for (const { before, after, prev, next } of versions(unit, base, steps, first)) {
            const k = sharedPrefixLength(before, after);
            let common = 0;
            while (common < prev.length && common < next.length && prev[common] === next[common]) common++;
            expect(k).toBeLessThanOrEqual(common);
            // Only the pieces an edit touches are rebuilt: at most one piece before the change.
            expect(common - k).toBeLessThanOrEqual(1024 + 64);
            expect(sharedPrefixLength(after, after)).toBe(next.length);
            live = after;
          }
          // Over several versions: still a real common prefix.
          const k = sharedPrefixLength(first, live);
          expect(first.toString().slice(0, k)).toBe(live.toString().slice(0, k));
        },
      ),
      { numRuns: 30 },
    );
  });

  test('texts not made from one another share nothing known', () => {
    const a = createLiveText('grapheme', 'same text');
    const b = createLiveText('grapheme', 'same text');
    expect(sharedPrefixLength(a, b)).toBe(0);
    expect(sharedPrefixLength(a, { unit: 'grapheme', length: 0, utf16Length: 0, apply: () => a, toString: () => '' })).toBe(0);
  });
});

describe('liveTextTail: the text from an offset on, built from the pieces it covers', () => {
  test.each(DELTA_UNITS)('%s: equals the whole text sliced there, before and after the whole text is built', (unit) => {
    fc.assert(
      fc.property(
        tokens(100, 600),
        fc.array(fc.array(splice, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.double({ min: 0, max: 1.2, noNaN: true }), { minLength: 1, maxLength: 6 }),
        (base, steps, offsets) => {
          for (const { after: live, next } of versions(unit, base, steps)) {
            // Offsets inside, at piece starts, at the end and past it; first from the pieces only.
            const starts = [0, next.length, ...offsets.map((f) => Math.floor(f * next.length))];
            let at = 0;
            for (const p of inspectLiveText(live)) starts.push((at += p.s.length), at - 1);
            const tails = starts.map((k) => liveTextTail(live, k));
            expect(tails).toEqual(starts.map((k) => next.slice(k)));
            expect(live.toString()).toBe(next);
            expect(starts.map((k) => liveTextTail(live, k))).toEqual(tails);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  test('other LiveText implementations: their string, sliced', () => {
    const other: LiveText = { unit: 'grapheme', length: 5, utf16Length: 5, apply: () => other, toString: () => 'hello' };
    expect(liveTextTail(other, 2)).toBe('llo');
    expect(liveTextTail(createLiveText('grapheme'), 0)).toBe('');
  });
});
