import type { DeltaUnit, LiveText } from './types.js';
import { compileScript, requireDeltaUnit, type Edit, type OldText } from './script.js';
import { ForwardWalker, isSimpleString, scanWindow, UnitString } from './units.js';

/**
 * LiveText: a generation's text as an immutable array of pieces.
 *
 * Every piece starts and ends on a true unit boundary of the whole text, so its unit count
 * is what segmenting it alone gives, and the counts add up to the whole text's count.
 * Applying a script:
 *  1. validates it against the pieces (prefix sums + binary search to find a unit
 *     position, then a short walk inside one piece, from whichever end is closer);
 *  2. for each edit takes a window from one unit before the edit (an unchanged boundary)
 *     to the first old boundary after it that is still a boundary in the new text, and
 *     re-counts only that window: new count = old count - old window + new window;
 *  3. rebuilds only the pieces the windows touch, sharing all the others.
 * So the per-call cost does not depend on the text's length beyond an O(pieces) copy of
 * pointers, and the segmenter is never run over the whole text.
 */

interface Piece {
  readonly s: string;
  /** Length in units. */
  readonly n: number;
  /** Every code unit is one unit (see isSimpleString): positions need no walking. */
  readonly simple: boolean;
}

/** Pieces are split once they grow past MAX_PIECE, into parts of about TARGET_PIECE. */
const MAX_PIECE = 1024;
const TARGET_PIECE = 512;

function makePieces(s: string, unit: DeltaUnit, out: Piece[], count?: number, simple?: boolean): void {
  if (s === '') return;
  if (s.length <= MAX_PIECE && count !== undefined && simple !== undefined) {
    out.push({ s, n: count, simple });
    return;
  }
  if (simple ?? isSimpleString(unit, s)) {
    // Every position is a boundary (codepoint: simple means no surrogates at all).
    for (let i = 0; i < s.length; i += TARGET_PIECE) {
      const part = s.slice(i, i + TARGET_PIECE);
      out.push({ s: part, n: part.length, simple: true });
    }
    return;
  }
  // `s` runs between true boundaries, so walking it alone yields the true boundaries.
  const walker = new ForwardWalker(s, unit);
  let start = 0;
  let n = 0;
  while (walker.step()) {
    n++;
    const x = walker.pos;
    if (x - start >= TARGET_PIECE || x >= s.length) {
      const part = s.slice(start, x);
      out.push({ s: part, n, simple: isSimpleString(unit, part) });
      start = x;
      n = 0;
    }
  }
}

/** Last index i with arr[i] <= v, for a non-decreasing arr whose first element is <= v. */
function lastAtMost(arr: readonly number[], v: number, hi: number): number {
  let lo = 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((arr[mid] as number) <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The pieces seen as one old text, with prefix sums for random access. */
class PieceText implements OldText {
  readonly utf16Length: number;
  readonly unitLength: number;
  /** starts16[i] / startsU[i]: offset of piece i; the last entry is the total. */
  readonly starts16: number[];
  readonly startsU: number[];
  readonly #strings = new Map<number, UnitString>();
  // Where the last locate inside a non-simple piece ended, to walk on from there.
  #anchorPiece = -1;
  #anchorK = 0;
  #anchorX = 0;

  constructor(
    readonly pieces: readonly Piece[],
    private readonly unit: DeltaUnit,
    starts16: number[],
    startsU: number[],
  ) {
    this.starts16 = starts16;
    this.startsU = startsU;
    this.utf16Length = starts16[pieces.length] as number;
    this.unitLength = startsU[pieces.length] as number;
  }

  #unitString(i: number): UnitString {
    let us = this.#strings.get(i);
    if (us === undefined) {
      us = new UnitString((this.pieces[i] as Piece).s, this.unit);
      this.#strings.set(i, us);
    }
    return us;
  }

  locate(u: number): number {
    if (u > this.unitLength || u < 0) return -1;
    if (u === this.unitLength) return this.utf16Length;
    const i = lastAtMost(this.startsU, u, this.pieces.length - 1);
    const base = this.starts16[i] as number;
    const k = u - (this.startsU[i] as number);
    const p = this.pieces[i] as Piece;
    if (k === 0) return base;
    if (p.simple) return base + k;
    const rest = p.n - k;
    const us = this.#unitString(i);
    let x: number;
    if (this.#anchorPiece === i && this.#anchorK <= k && k - this.#anchorK <= Math.min(k, rest)) {
      x = us.forward(this.#anchorX, k - this.#anchorK);
    } else if (k <= rest) {
      x = us.forward(0, k);
    } else {
      x = us.backward(p.s.length, rest);
    }
    this.#anchorPiece = i;
    this.#anchorK = k;
    this.#anchorX = x;
    return base + x;
  }

  /** Index of the piece holding UTF-16 offset `i` (the last piece for the end offset). */
  pieceAt(i: number): number {
    return lastAtMost(this.starts16, i, this.pieces.length - 1);
  }

  charCodeAt(i: number): number {
    if (i < 0 || i >= this.utf16Length) return NaN;
    const j = this.pieceAt(i);
    return (this.pieces[j] as Piece).s.charCodeAt(i - (this.starts16[j] as number));
  }

  /** The code point starting at `i` as a string ("" at the end). */
  codePointAt(i: number): string {
    const c = this.charCodeAt(i);
    if (Number.isNaN(c)) return '';
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = this.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) return String.fromCharCode(c, d);
    }
    return String.fromCharCode(c);
  }

  slice(start: number, end: number): string {
    if (end <= start) return '';
    let j = this.pieceAt(start);
    let out = '';
    while (j < this.pieces.length && (this.starts16[j] as number) < end) {
      const base = this.starts16[j] as number;
      const s = (this.pieces[j] as Piece).s;
      out += s.slice(Math.max(0, start - base), Math.min(s.length, end - base));
      j++;
    }
    return out;
  }
}

/**
 * Prefix sums of piece lengths, reusing `prev` (sums of an older piece array that shares
 * its first `from` pieces): copying is a memcpy, only the sums after `from` are computed.
 */
function prefixSums(pieces: readonly Piece[], from: number, prev16?: readonly number[], prevU?: readonly number[]): [number[], number[]] {
  const starts16 = prev16 ? prev16.slice(0, from + 1) : [0];
  const startsU = prevU ? prevU.slice(0, from + 1) : [0];
  if (!prev16) from = 0;
  let o16 = starts16[from] as number;
  let oU = startsU[from] as number;
  for (let i = from; i < pieces.length; i++) {
    const p = pieces[i] as Piece;
    o16 += p.s.length;
    oU += p.n;
    starts16.push(o16);
    startsU.push(oU);
  }
  return [starts16, startsU];
}

/** A stretch of old text [b, e) (ub/ue in units) and what replaces it. */
interface Window {
  readonly b: number;
  readonly e: number;
  readonly oldCount: number;
  readonly w: string;
  readonly newCount: number;
  readonly simple: boolean;
}

/**
 * Groups edits into windows whose ends are boundaries in both the old and the new text,
 * and counts the units of each window's new text.
 */
function windowsFor(edits: readonly Edit[], text: PieceText, unit: DeltaUnit): Window[] {
  const out: Window[] = [];
  let k = 0;
  while (k < edits.length) {
    const first = edits[k] as Edit;
    // One unit before the edit is a boundary whose decision depends only on unchanged
    // text (everything up to and including its first code point), so it stays a boundary.
    const ub = first.ua > 0 ? first.ua - 1 : 0;
    const b = first.ua > 0 ? text.locate(ub) : 0;
    const parts: string[] = [text.slice(b, first.a), first.t];
    let e = first.z;
    let ue = first.uz;
    let last = k;
    let count: number;
    for (;;) {
      // Take in the next edits while their windows would overlap this one.
      for (let nx = edits[last + 1]; nx !== undefined && nx.ua <= ue + 1; nx = edits[last + 1]) {
        parts.push(text.slice(e, nx.a), nx.t);
        e = nx.z;
        ue = nx.uz;
        last++;
      }
      const scan = scanWindow(parts.join(''), text.codePointAt(e), unit);
      if (scan.boundary) {
        count = scan.count;
        break;
      }
      // The new text merges across e (a combining mark, ZWJ sequence or flag half was
      // added before it): widen by one old unit and look again.
      const ne = text.locate(ue + 1);
      parts.push(text.slice(e, ne));
      e = ne;
      ue++;
    }
    const w = parts.join('');
    out.push({ b, e, oldCount: ue - ub, w, newCount: count, simple: isSimpleString(unit, w) });
    k = last + 1;
  }
  return out;
}

class PieceLiveText implements LiveText {
  readonly unit: DeltaUnit;
  readonly length: number;
  readonly utf16Length: number;
  /** @internal */
  readonly pieces: readonly Piece[];
  readonly #starts16: number[];
  readonly #startsU: number[];
  #text: PieceText | undefined;
  #str: string | undefined;

  constructor(unit: DeltaUnit, pieces: readonly Piece[], starts16: number[], startsU: number[]) {
    this.unit = unit;
    this.pieces = pieces;
    this.#starts16 = starts16;
    this.#startsU = startsU;
    this.length = startsU[pieces.length] as number;
    this.utf16Length = starts16[pieces.length] as number;
  }

  apply(deltas: unknown): LiveText {
    const text = (this.#text ??= new PieceText(this.pieces, this.unit, this.#starts16, this.#startsU));
    const edits = compileScript(deltas, text, this.unit);
    if (edits.length === 0) return this;
    const windows = windowsFor(edits, text, this.unit);

    const old = this.pieces;
    const m = old.length;
    let out: Piece[] = [];
    let copied = 0; // old pieces before this index are already in `out`
    let firstChanged = -1;
    let wi = 0;
    while (wi < windows.length) {
      const first = windows[wi] as Window;
      // Pieces i..j hold the window (j = i - 1 only when the text is empty).
      const i = m === 0 ? 0 : text.pieceAt(first.b);
      let j = m === 0 ? -1 : text.pieceAt(Math.max(first.b, first.e - 1));
      const parts: string[] = [m === 0 ? '' : (old[i] as Piece).s.slice(0, first.b - (text.starts16[i] as number))];
      let delta = 0;
      let simple = true;
      let end = first.b;
      // Windows that share a piece are rebuilt together.
      for (let win = windows[wi]; win !== undefined && (win === first || text.pieceAt(win.b) <= j); win = windows[wi]) {
        parts.push(text.slice(end, win.b), win.w);
        delta += win.newCount - win.oldCount;
        simple &&= win.simple;
        if (win.e > win.b) j = Math.max(j, text.pieceAt(win.e - 1));
        end = win.e;
        wi++;
      }
      if (j >= 0) parts.push(text.slice(end, text.starts16[j + 1] as number));
      if (firstChanged < 0) {
        firstChanged = i;
        out = old.slice(0, i); // shared pieces: a pointer copy
        copied = i;
      }
      for (; copied < i; copied++) out.push(old[copied] as Piece);
      let n = delta;
      for (let q = i; q <= j; q++) {
        const p = old[q] as Piece;
        n += p.n;
        simple &&= p.simple;
      }
      makePieces(parts.join(''), this.unit, out, n, simple);
      copied = j + 1;
    }
    if (copied < m) out = out.concat(old.slice(copied));
    const [starts16, startsU] = prefixSums(out, firstChanged, this.#starts16, this.#startsU);
    return new PieceLiveText(this.unit, out, starts16, startsU);
  }

  /** @internal UTF-16 offset of piece `i` (the length for `i` = the piece count). */
  prefix16(i: number): number {
    return this.#starts16[i] as number;
  }

  /** @internal The text from UTF-16 offset `start` on, built from the pieces it covers only. */
  tail16(start: number): string {
    if (this.#str !== undefined) return this.#str.slice(start);
    // The last piece starting at or before `start`: near the end, where the view reads.
    let i = Math.max(0, this.pieces.length - 1);
    while (i > 0 && (this.#starts16[i] as number) > start) i--;
    const from = i;
    let s = '';
    for (; i < this.pieces.length; i++) s += (this.pieces[i] as Piece).s;
    return s.slice(Math.max(0, start - (this.#starts16[from] as number)));
  }

  toString(): string {
    if (this.#str === undefined) {
      let s = '';
      for (const p of this.pieces) s += p.s;
      this.#str = s;
    }
    return this.#str;
  }
}

/**
 * A LiveText holding `initial` (default ""), whose deltas count in `unit` (default
 * grapheme). Throws RangeError for an unknown unit.
 */
export function createLiveText(unit?: DeltaUnit, initial = ''): LiveText {
  const u = requireDeltaUnit(unit);
  if (typeof initial !== 'string') throw new TypeError('createLiveText: initial must be a string');
  const pieces: Piece[] = [];
  makePieces(initial, u, pieces);
  const [starts16, startsU] = prefixSums(pieces, 0);
  return new PieceLiveText(u, pieces, starts16, startsU);
}

/** For tests: the pieces of a LiveText made by createLiveText. */
export function inspectLiveText(live: LiveText): readonly Piece[] {
  if (!(live instanceof PieceLiveText)) throw new TypeError('not a LiveText from createLiveText');
  return live.pieces;
}

/**
 * `live`'s text from UTF-16 offset `start` on. For a long generation this builds only the
 * pieces from there (`String(live).slice(start)` builds, and the engine then copies, the
 * whole text: a cost per frame that grew with the answer).
 */
export function liveTextTail(live: LiveText, start: number): string {
  return live instanceof PieceLiveText ? live.tail16(start) : String(live).slice(start);
}

/**
 * UTF-16 length of a prefix `before` and `after` are known to share without reading
 * them: the pieces they hold as the same objects (an edit rebuilds only the pieces it
 * touches, so a text and the ones made from it share everything before the first edit).
 * A lower bound of the common prefix (0 for texts not related that way); costs one
 * pointer compare per shared piece, never a string compare.
 */
export function sharedPrefixLength(before: LiveText, after: LiveText): number {
  if (!(before instanceof PieceLiveText) || !(after instanceof PieceLiveText)) return 0;
  if (before === after) return before.utf16Length;
  const a = before.pieces;
  const b = after.pieces;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return before.prefix16(i);
}
