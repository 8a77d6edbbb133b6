/**
 * The mock platform's LLM answer generator: markdown streamed token by token, rendered to
 * HTML with `marked` after every token, and the Myers edit script between the previous and
 * the new HTML sent as `mov`/`ins`/`del` deltas in a chosen unit (docs/protocol.md).
 *
 * It must not be quadratic (docs/performance.md point 7), so per token it:
 * - re-renders only the live tail of the markdown (the last top-level block); blocks that
 *   can no longer change are rendered once and frozen;
 * - diffs only the HTML after the frozen prefix, with the common prefix and suffix trimmed
 *   (measured in the unit) before handing the middle to jsdiff.
 */
import { Marked, type Token } from 'marked';
import { diffArrays } from 'diff';
import type { DeltaUnit } from '../core/delta/types.js';
import { splitGraphemes } from './graphemes.js';

export interface WireDelta {
  command: 'mov' | 'ins' | 'del';
  value: number | string;
}

export interface AnswerStep {
  /** The raw markdown text this token added. */
  chunk: string;
  /** Edits turning the previous step's `html` into this step's. */
  deltas: WireDelta[];
  /** The whole HTML after this token (what `marked.parse` gives for the markdown so far). */
  html: string;
}

export interface GenerateOptions {
  unit?: DeltaUnit;
  /** Explicit tokens (must concatenate to the markdown); default: `tokenizeMarkdown`. */
  tokens?: string[];
}

// A private instance: other code may call marked.use()/setOptions() on the global one.
// Defaults are marked's (gfm on, tables on), so the output equals `marked.parse(md)`.
const md = new Marked();

function render(src: string): string {
  return src === '' ? '' : md.parse(src, { async: false });
}

/** Splits a string into the unit's atoms. utf16 uses code points (so an edit never splits a
 * surrogate pair) and counts them by `.length`. */
function atoms(s: string, unit: DeltaUnit): string[] {
  return unit === 'grapheme' ? splitGraphemes(s) : Array.from(s);
}

function atomsLength(list: readonly string[], unit: DeltaUnit, from = 0, to = list.length): number {
  if (unit !== 'utf16') return to - from;
  let n = 0;
  for (let i = from; i < to; i++) n += (list[i] as string).length;
  return n;
}

function unitLength(s: string, unit: DeltaUnit): number {
  if (unit === 'utf16') return s.length;
  return atoms(s, unit).length;
}

const WORD = /^[\p{L}\p{N}_'’]$/u;
const SPACE = /^\s+$/u;

/**
 * Splits markdown into word-ish tokens like an LLM's: leading whitespace sticks to the next
 * piece, words longer than 7 graphemes are cut into 3–6 grapheme pieces, punctuation runs (`**`, `##`, `|`)
 * and emoji are their own tokens. Works on graphemes, so ZWJ emoji and flags stay whole.
 */
export function tokenizeMarkdown(markdown: string): string[] {
  const tokens: string[] = [];
  let pending = ''; // whitespace waiting for the next piece
  let word: string[] = [];
  let cut = 0; // deterministic piece length cycle
  const flushWord = (): void => {
    let i = 0;
    while (i < word.length) {
      // Short words whole, long ones in 3..6 grapheme pieces, like BPE tokens.
      const len = word.length <= 7 ? word.length : 3 + (cut++ % 4);
      const piece = word.slice(i, i + len).join('');
      tokens.push(pending + piece);
      pending = '';
      i += len;
    }
    word = [];
  };
  let prevPunct = '';
  for (const g of splitGraphemes(markdown)) {
    if (SPACE.test(g)) {
      flushWord();
      prevPunct = '';
      // A blank line is a token of its own (LLMs emit "\n\n" alone).
      if (g.includes('\n') && pending.includes('\n')) {
        tokens.push(pending);
        pending = '';
      }
      pending += g;
    } else if (WORD.test(g)) {
      prevPunct = '';
      word.push(g);
    } else {
      flushWord();
      // Glue runs of the same punctuation (`**`, `---`, "```") into one token.
      const last = tokens.length - 1;
      if (
        pending === '' &&
        prevPunct === g &&
        last >= 0 &&
        (tokens[last] as string).endsWith(g) &&
        (tokens[last] as string).length < 3 * g.length + 2
      ) {
        tokens[last] += g;
      } else {
        tokens.push(pending + g);
        pending = '';
      }
      prevPunct = g;
    }
  }
  flushWord();
  if (pending !== '') tokens.push(pending);
  return tokens;
}

/**
 * Renders growing markdown incrementally. `html` always equals `marked.parse(markdown)`:
 * the frozen part is the rendering of whole top-level blocks that nothing appended later
 * can change (see `freezePoint`; the content avoids link reference definitions, the one
 * construct that reaches back); only the live tail (the last block or two) is re-rendered.
 */
class IncrementalRenderer {
  // Only the live markdown is kept: slicing a growing concatenated string would flatten
  // it on every token (O(n) each, O(n^2) per answer).
  private tail = '';
  frozenHtml = '';
  liveHtml = '';

  /** Appends a token; returns the HTML of blocks that became final with it. */
  append(text: string): string {
    let tail = this.tail + text;
    const freezeAt = freezePoint(md.lexer(tail), tail);
    let newlyFrozen = '';
    if (freezeAt > 0) {
      newlyFrozen = render(tail.slice(0, freezeAt));
      tail = tail.slice(freezeAt);
      this.frozenHtml += newlyFrozen;
    }
    this.tail = tail;
    this.liveHtml = render(tail);
    return newlyFrozen;
  }
}

/**
 * Markdown offset (in the tail) up to which blocks are final; 0 when none.
 *
 * A boundary is the start of a block at column 0 right after a blank line. The block
 * after the *last* boundary is still being typed and may change kind (`2` becomes `2. b`,
 * which would continue an ordered list before it), so only the second-to-last boundary is
 * used: everything before it is followed by a finished block and can no longer change.
 */
function freezePoint(tokens: readonly Token[], tail: string): number {
  // Offsets rely on raws concatenating to the source; if they do not, freeze nothing
  // (still correct, only slower).
  let total = 0;
  for (const t of tokens) total += t.raw.length;
  if (total !== tail.length) return 0;
  const boundaries: number[] = [];
  let offset = 0;
  let contentBefore = false;
  let prev: Token | undefined;
  for (const t of tokens) {
    if (
      contentBefore &&
      prev?.type === 'space' &&
      t.type !== 'space' &&
      t.type !== 'def' &&
      /^\S/u.test(t.raw) &&
      /\n[ \t]*\n$/u.test(tail.slice(Math.max(0, offset - 256), offset))
    ) {
      boundaries.push(offset);
    }
    if (t.type !== 'space') contentBefore = true;
    offset += t.raw.length;
    prev = t;
  }
  return boundaries.length >= 2 ? (boundaries[boundaries.length - 2] as number) : 0;
}

/** Myers edit script from `a` to `b` in `unit`s, common prefix and suffix trimmed first. */
export function diffToDeltas(a: string, b: string, unit: DeltaUnit, leadingMov = 0): WireDelta[] {
  const ops: WireDelta[] = [];
  const push = (command: WireDelta['command'], value: number | string): void => {
    if (value === 0 || value === '') return;
    const last = ops[ops.length - 1];
    if (last && last.command === command) {
      last.value = command === 'ins' ? `${last.value as string}${value as string}` : (last.value as number) + (value as number);
    } else {
      ops.push({ command, value });
    }
  };
  push('mov', leadingMov);
  if (a === b) return trimTrailingMov(ops);
  const aa = atoms(a, unit);
  const bb = atoms(b, unit);
  let start = 0;
  const maxStart = Math.min(aa.length, bb.length);
  while (start < maxStart && aa[start] === bb[start]) start++;
  let endA = aa.length;
  let endB = bb.length;
  while (endA > start && endB > start && aa[endA - 1] === bb[endB - 1]) {
    endA--;
    endB--;
  }
  push('mov', atomsLength(aa, unit, 0, start));
  const changes = diffArrays(aa.slice(start, endA), bb.slice(start, endB));
  for (const c of changes) {
    if (c.added) push('ins', c.value.join(''));
    else if (c.removed) push('del', atomsLength(c.value, unit));
    else push('mov', atomsLength(c.value, unit));
  }
  return trimTrailingMov(ops);
}

// Text after the last op is kept, so a trailing `mov` says nothing.
function trimTrailingMov(ops: WireDelta[]): WireDelta[] {
  while (ops.length > 0 && (ops[ops.length - 1] as WireDelta).command === 'mov') ops.pop();
  return ops;
}

/**
 * Lazily yields the steps of a streamed answer, so a 200 KB answer costs per token only
 * what that token changes.
 */
export function* generateAnswerSteps(markdown: string, options: GenerateOptions = {}): Generator<AnswerStep> {
  const unit = options.unit ?? 'grapheme';
  const tokens = options.tokens ?? tokenizeMarkdown(markdown);
  if (options.tokens && options.tokens.join('') !== markdown) {
    throw new Error('generateAnswerStream: tokens must concatenate to the markdown');
  }
  const renderer = new IncrementalRenderer();
  let frozenUnits = 0; // unit length of the frozen HTML before this step
  let prevLive = '';
  for (const token of tokens) {
    const newlyFrozen = renderer.append(token);
    // Old HTML = frozen + prevLive; new HTML = frozen + newlyFrozen + live. The frozen
    // part is common, so only the rest is diffed (block HTML ends in "\n", a grapheme
    // boundary, so counting the pieces separately is exact).
    const deltas = diffToDeltas(prevLive, newlyFrozen + renderer.liveHtml, unit, frozenUnits);
    frozenUnits += unitLength(newlyFrozen, unit);
    prevLive = renderer.liveHtml;
    // V8 concatenation makes a rope: cheap until someone reads the string (tests do).
    yield { chunk: token, deltas, html: renderer.frozenHtml + renderer.liveHtml };
  }
}

/** All steps of a streamed answer at once (benchmark corpora, tests). */
export function generateAnswerStream(markdown: string, options: GenerateOptions = {}): AnswerStep[] {
  return Array.from(generateAnswerSteps(markdown, options));
}
