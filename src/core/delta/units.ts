import type { DeltaUnit } from './types.js';

/**
 * Unit arithmetic shared by the stateless applier and LiveText.
 *
 * Intl.Segmenter is slow per call in V8 (~4 µs to create a `Segments` object, ~1 µs per
 * grapheme when iterating or calling `containing`), so everything here walks the string
 * itself and only asks the segmenter about code units that can take part in a multi-unit
 * grapheme. Ordinary text (ASCII, Latin, CJK, ...) never reaches ICU.
 */

let segmenter: Intl.Segmenter | undefined;

/** One segmenter for the whole module: grapheme segmentation does not depend on locale. */
export function graphemeSegmenter(): Intl.Segmenter {
  return (segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' }));
}

export function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

export function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** True when `s` holds a high surrogate without its low half or a low one without its high. */
export function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    return true;
  }
  return false;
}

/**
 * A "simple" code unit is a whole grapheme by itself next to any other simple code unit:
 * its Grapheme_Cluster_Break is Other or a Control other than CR (or an LV/LVT Hangul
 * syllable, which only joins with conjoining jamo, not included), it is not
 * Extended_Pictographic and not an Indic conjunct consonant. So between two simple code
 * units there is always a grapheme boundary, whatever precedes them. The set is
 * conservative (units.test.ts checks every member against Intl.Segmenter); anything else
 * just takes the slow path.
 */
export function isSimpleGraphemeCode(c: number): boolean {
  for (let i = 0; i < SIMPLE.length; i += 2) {
    if (c < SIMPLE[i]!) return false;
    if (c <= SIMPLE[i + 1]!) return true;
  }
  return false;
}

/**
 * The simple ranges, inclusive, ascending: tab and LF, printable ASCII, Latin-1 to the
 * combining marks (not the pictographic © and ®), Greek and Cyrillic (not their combining
 * marks), dashes, quotes, bullet and ellipsis, per mille to guillemets (U+203C ‼ is
 * pictographic), currency signs, CJK punctuation (U+302A.. combine), hiragana (not
 * U+3099/309A), katakana, CJK extension A, CJK unified ideographs, Hangul LV/LVT
 * syllables, fullwidth ASCII.
 */
const SIMPLE = [
  0x09, 0x0a, 0x20, 0x7e, 0xa0, 0xa8, 0xaa, 0xad, 0xaf, 0x2ff, 0x370, 0x482, 0x48a, 0x52f, 0x2010, 0x2027, 0x2030, 0x203b, 0x20a0, 0x20c0,
  0x3000, 0x3029, 0x3041, 0x3096, 0x30a1, 0x30fa, 0x3400, 0x4dbf, 0x4e00, 0x9fff, 0xac00, 0xd7a3, 0xff01, 0xff5e,
];

const PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;

/** Regional indicator (U+1F1E6..1F1FF) at `i`: they pair up into flags. */
const isRegional = (s: string, i: number): boolean =>
  s.charCodeAt(i) === 0xd83c && s.charCodeAt(i + 1) >= 0xdde6 && s.charCodeAt(i + 1) <= 0xddff;

/** Skin tone modifier (U+1F3FB..1F3FF, Grapheme_Cluster_Break Extend) at `i`. */
const isModifier = (s: string, i: number): boolean =>
  s.charCodeAt(i) === 0xd83c && s.charCodeAt(i + 1) >= 0xdffb && s.charCodeAt(i + 1) <= 0xdfff;

/** End of the Extended_Pictographic code point at `i` (not a skin tone), or -1. */
function pictographEnd(s: string, i: number): number {
  const c = s.charCodeAt(i);
  const n = isHighSurrogate(c) && isLowSurrogate(s.charCodeAt(i + 1)) ? 2 : 1;
  return c > 0x7f && !isModifier(s, i) && PICTOGRAPHIC.test(s.slice(i, i + n)) ? i + n : -1;
}

/**
 * End of the emoji grapheme starting at boundary x, when it is one of the common shapes,
 * else -1: a flag (two regional indicators, or a lone one), or a pictograph followed by
 * variation selectors (U+FE0F), skin tones and ZWJ + pictograph (GB9, GB11, GB12).
 */
function emojiEnd(s: string, x: number): number {
  if (isRegional(s, x)) return isRegional(s, x + 2) ? x + 4 : x + 2;
  let e = pictographEnd(s, x);
  while (e > 0) {
    if (s.charCodeAt(e) === 0xfe0f) e++;
    else if (isModifier(s, e)) e += 2;
    else if (s.charCodeAt(e) === 0x200d) e = pictographEnd(s, e + 1);
    else break;
  }
  return e;
}

/**
 * A grapheme surely starts at `i` (given one ended just before): a simple code unit, a
 * pictograph or a regional indicator. None of them is Extend, ZWJ or SpacingMark, so
 * nothing before them joins them (a regional indicator after a flag's pair starts anew).
 */
const startsFresh = (s: string, i: number): boolean =>
  i >= s.length || isSimpleGraphemeCode(s.charCodeAt(i)) || isRegional(s, i) || pictographEnd(s, i) > 0;

/** End of the grapheme starting at boundary x when it can be told without ICU, else -1. */
function quickGraphemeEnd(s: string, x: number): number {
  const e = isSimpleGraphemeCode(s.charCodeAt(x)) ? x + 1 : emojiEnd(s, x);
  return e > 0 && startsFresh(s, e) ? e : -1;
}

/**
 * Start of the grapheme ending at boundary y when it can be told without ICU, else -1:
 * back to the simple code unit (or the start) before the run of others that ends at y,
 * then forwards from there, each step a simple code unit or an emoji sequence. A simple
 * code unit ends a grapheme before a code unit that starts one (`startsFresh`).
 */
function quickGraphemeStart(s: string, y: number): number {
  let r = y - 1;
  while (r > 0 && !isSimpleGraphemeCode(s.charCodeAt(r - 1))) if (y - --r > 64) return -1;
  let start = -1;
  for (let p = r; p < y;) {
    start = p;
    p = isSimpleGraphemeCode(s.charCodeAt(p)) ? p + 1 : emojiEnd(s, p);
    if (p < 0 || p > y) return -1;
  }
  return start;
}

/** Whether every code unit of `s` is one unit that never merges with a simple neighbour. */
export function isSimpleString(unit: DeltaUnit, s: string): boolean {
  if (unit === 'utf16') return true;
  if (unit === 'codepoint') {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdfff) return false;
    }
    return true;
  }
  for (let i = 0; i < s.length; i++) {
    if (!isSimpleGraphemeCode(s.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * A short string viewed as a sequence of units (V8's Segments get slow on long strings:
 * use ForwardWalker for those). Valid only for strings that start and end on a true unit
 * boundary of the text they came from (the start of the text, a piece boundary, ...):
 * grapheme rules only look back within the current cluster, so such a string segments
 * exactly like that part of the whole text.
 */
export class UnitString {
  readonly s: string;
  readonly unit: DeltaUnit;
  #segs: Intl.Segments | undefined;

  constructor(s: string, unit: DeltaUnit) {
    this.s = s;
    this.unit = unit;
  }

  /** End of the unit that starts at boundary `x` (`x < s.length`). */
  next(x: number): number {
    const s = this.s;
    if (this.unit === 'utf16') return x + 1;
    const c = s.charCodeAt(x);
    if (this.unit === 'codepoint') {
      return isHighSurrogate(c) && x + 1 < s.length && isLowSurrogate(s.charCodeAt(x + 1)) ? x + 2 : x + 1;
    }
    const quick = quickGraphemeEnd(s, x);
    if (quick >= 0) return quick;
    const seg = (this.#segs ??= graphemeSegmenter().segment(s)).containing(x);
    return seg === undefined ? x + 1 : seg.index + seg.segment.length;
  }

  /** Start of the unit that ends at boundary `y` (`y > 0`). */
  prev(y: number): number {
    const s = this.s;
    if (this.unit === 'utf16') return y - 1;
    const c = s.charCodeAt(y - 1);
    if (this.unit === 'codepoint') {
      return isLowSurrogate(c) && y >= 2 && isHighSurrogate(s.charCodeAt(y - 2)) ? y - 2 : y - 1;
    }
    const quick = quickGraphemeStart(s, y);
    if (quick >= 0) return quick;
    const seg = (this.#segs ??= graphemeSegmenter().segment(s)).containing(y - 1);
    return seg === undefined ? y - 1 : seg.index;
  }

  /** The boundary `k` units after boundary `x`, or -1 if the string ends first. */
  forward(x: number, k: number): number {
    const len = this.s.length;
    if (this.unit === 'utf16') return x + k <= len ? x + k : -1;
    while (k > 0) {
      if (x >= len) return -1;
      x = this.next(x);
      k--;
    }
    return x;
  }

  /** The boundary `k` units before boundary `y`, or -1 if the string starts first. */
  backward(y: number, k: number): number {
    if (this.unit === 'utf16') return y - k >= 0 ? y - k : -1;
    while (k > 0) {
      if (y <= 0) return -1;
      y = this.prev(y);
      k--;
    }
    return y;
  }
}

/** Graphemes are looked up in windows of about this many code units. */
const WINDOW = 512;

/**
 * A forward walk over a string of any length, one unit at a time. V8's Intl.Segmenter
 * gets slower than linear on long strings (tens of µs per `containing` call at 40K), so
 * the segmenter only ever sees a short window starting at a known boundary; a step whose
 * end is too close to the window's edge to be trusted (the next code point must be inside
 * the window, since it decides the boundary) is retried in a wider window.
 */
export class ForwardWalker {
  readonly s: string;
  readonly unit: DeltaUnit;
  /** The current position: always a true unit boundary of `s`. */
  pos: number;
  #win: UnitString | undefined;
  #base = 0;

  constructor(s: string, unit: DeltaUnit, pos = 0) {
    this.s = s;
    this.unit = unit;
    this.pos = pos;
  }

  /** Moves one unit forward; false (and no move) at the end of the string. */
  step(): boolean {
    const s = this.s;
    const x = this.pos;
    const len = s.length;
    if (x >= len) return false;
    if (this.unit === 'utf16') {
      this.pos = x + 1;
      return true;
    }
    const c = s.charCodeAt(x);
    if (this.unit === 'codepoint') {
      this.pos = isHighSurrogate(c) && x + 1 < len && isLowSurrogate(s.charCodeAt(x + 1)) ? x + 2 : x + 1;
      return true;
    }
    const quick = quickGraphemeEnd(s, x);
    if (quick >= 0) {
      this.pos = quick;
      return true;
    }
    // Reuse the current window while it reaches a little past x; build a new one from x
    // (a true boundary) otherwise, or a wider one when a grapheme runs to its edge.
    let need = x + 32;
    for (;;) {
      let win = this.#win;
      if (win === undefined || this.#base > x || this.#base + win.s.length < Math.min(need, len)) {
        this.#base = x;
        win = this.#win = new UnitString(s.slice(x, Math.min(len, Math.max(need, x + WINDOW))), this.unit);
      }
      const end = this.#base + win.s.length;
      const y = this.#base + win.next(x - this.#base);
      if (y <= end - 2 || end >= len) {
        this.pos = y;
        return true;
      }
      need = x + 2 * (end - x) + WINDOW;
    }
  }

  /** Moves k units forward; false (position unspecified) if the string ends first. */
  forward(k: number): boolean {
    if (this.unit === 'utf16') {
      this.pos += k;
      return this.pos <= this.s.length;
    }
    for (; k > 0; k--) if (!this.step()) return false;
    return true;
  }
}

/** Number of `unit`s in `s` segmented on its own. */
export function countUnits(s: string, unit: DeltaUnit): number {
  if (unit === 'utf16' || isSimpleString(unit, s)) return s.length;
  const w = new ForwardWalker(s, unit);
  let n = 0;
  while (w.step()) n++;
  return n;
}

/**
 * Units in `w` when `w` is followed by `next` (the first code point after it, or "" at the
 * end of the text), and whether the end of `w` is still a unit boundary with `next` after
 * it. `w` must start on a true boundary. One code point of lookahead is enough: every
 * grapheme break rule decides a boundary from the text before it and the single code
 * point after it.
 */
export function scanWindow(w: string, next: string, unit: DeltaUnit): { count: number; boundary: boolean } {
  if (unit === 'utf16') return { count: w.length, boundary: true };
  if (isSimpleString(unit, w) && (next === '' || isSimpleString(unit, next))) {
    return { count: w.length, boundary: true };
  }
  const walker = new ForwardWalker(w + next, unit);
  let n = 0;
  while (walker.pos < w.length) {
    walker.step();
    n++;
  }
  return { count: n, boundary: walker.pos === w.length };
}
