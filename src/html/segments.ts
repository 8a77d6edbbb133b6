/**
 * Splits raw HTML into top-level segments for the streaming HTML view (pure: runs in Node too).
 *
 * A segment is a top-level text run, a balanced top-level element (start tag to its matching
 * end tag), a void element, a comment, or a stray end tag. Segments end only where the
 * parser would be back in a clean "in body" state, so each segment parses the same in
 * isolation as inside the whole text. When that cannot be told cheaply (an end tag that
 * closes more than the innermost element, `<plaintext>`, an unclosed raw-text element)
 * the rest of the text is one segment: correct, just slower.
 *
 * This scanner only decides *where to cut*; it never decides what is safe. Every segment
 * is sanitized on its own and inserted as DOM nodes, never re-parsed as a string, so a
 * wrong cut can cost fidelity but cannot let markup through the sanitizer.
 */

export interface HtmlSegment {
  readonly start: number;
  readonly end: number;
  /** Closed at top level: its source will not change meaning whatever follows. */
  readonly complete: boolean;
}

export interface SegmentScan {
  readonly segments: readonly HtmlSegment[];
  /** Source from here on is held back (an incomplete tag, comment or entity at the end). */
  readonly visibleEnd: number;
  /**
   * Open elements at `visibleEnd`, outermost first, when the scanner ended in plain
   * markup (not inside raw text, foreign content or unbalanced markup); otherwise null.
   */
  readonly openStack: readonly string[] | null;
  /** The visible source ends with character data (not with a tag or comment). */
  readonly endsInText: boolean;
}

const VOID = new Set([
  'area',
  'base',
  'basefont',
  'bgsound',
  'br',
  'col',
  'embed',
  'frame',
  'hr',
  'img',
  'input',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
// Raw text / RCDATA in HTML content: markup inside is text until the matching end tag.
// (`noscript` is not here: DOMPurify's parser document runs without scripting, where
// noscript content is parsed as markup.)
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes']);
const FOREIGN_ROOTS = new Set(['svg', 'math']);

type Construct =
  | { readonly kind: 'text'; readonly end: number }
  | { readonly kind: 'comment'; readonly end: number }
  | { readonly kind: 'start' | 'end'; readonly name: string; readonly end: number; readonly selfClosing: boolean };

const isAsciiAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** HTML whitespace, as the tokenizer reads it. */
export const isSpace = (c: number): boolean => c === 9 || c === 10 || c === 12 || c === 13 || c === 32;

/**
 * Index just past the `>` closing a tag whose name ends at `i`, or -1 if incomplete. As the
 * HTML tokenizer: a quote opens a quoted value only right after an attribute's `=` (spaces
 * between); elsewhere, and inside an unquoted value, quotes and `=` are plain characters
 * and the first `>` ends the tag (`<img alt=x=">` ends at its `>`).
 */
function scanTagEnd(src: string, i: number): number {
  // 0: between attributes, 1: in a name, 2: after a name, 3: before a value, 4: in an unquoted value.
  for (let j = i, state = 0; j < src.length; j++) {
    const c = src.charCodeAt(j);
    if (c === 62 /* > */) return j + 1;
    if (state === 3 && (c === 34 || c === 39)) {
      // Quoted value: `>` inside quotes does not end the tag.
      j = src.indexOf(src[j]!, j + 1);
      if (j < 0) return -1;
      state = 0;
    } else if (isSpace(c)) state = state === 1 ? 2 : state === 4 ? 0 : state;
    else if (state > 2) state = 4;
    else state = c === 47 /* / */ ? 0 : c === 61 /* = */ && state ? 3 : 1;
  }
  return -1;
}

function readTag(src: string, i: number, kind: 'start' | 'end'): Construct | null {
  const n = src.length;
  const nameStart = kind === 'start' ? i + 1 : i + 2;
  let j = nameStart;
  while (j < n) {
    const c = src.charCodeAt(j);
    if (isSpace(c) || c === 47 /* / */ || c === 62 /* > */) break;
    j++;
  }
  if (j >= n) return null;
  const end = scanTagEnd(src, j);
  if (end < 0) return null;
  return { kind, name: src.slice(nameStart, j).toLowerCase(), end, selfClosing: src.charCodeAt(end - 2) === 47 };
}

function bogusComment(src: string, from: number): Construct | null {
  const close = src.indexOf('>', from);
  return close < 0 ? null : { kind: 'comment', end: close + 1 };
}

/** Reads the construct starting with the `<` at `i`; null = incomplete (may still grow). */
function readConstruct(src: string, i: number, inForeign: boolean): Construct | null {
  const n = src.length;
  if (i + 1 >= n) return null;
  const c1 = src.charCodeAt(i + 1);
  if (isAsciiAlpha(c1)) return readTag(src, i, 'start');
  if (c1 === 47 /* / */) {
    if (i + 2 >= n) return null;
    const c2 = src.charCodeAt(i + 2);
    if (isAsciiAlpha(c2)) return readTag(src, i, 'end');
    if (c2 === 62) return { kind: 'comment', end: i + 3 }; // `</>` is dropped by the parser
    return bogusComment(src, i + 2);
  }
  if (c1 === 33 /* ! */) {
    if (src.startsWith('<!--', i)) {
      if (src.charCodeAt(i + 4) === 62) return { kind: 'comment', end: i + 5 }; // <!-->
      if (src.startsWith('->', i + 4)) return { kind: 'comment', end: i + 6 }; // <!--->
      const a = src.indexOf('-->', i + 4);
      const b = src.indexOf('--!>', i + 4);
      if (a < 0 && b < 0) return null;
      if (b < 0 || (a >= 0 && a < b)) return { kind: 'comment', end: a + 3 };
      return { kind: 'comment', end: b + 4 };
    }
    if (n - i < 4 && '<!--'.startsWith(src.slice(i))) return null;
    if (inForeign && src.startsWith('<![CDATA[', i)) {
      const close = src.indexOf(']]>', i + 9);
      return close < 0 ? null : { kind: 'comment', end: close + 3 };
    }
    if (inForeign && n - i < 9 && '<![CDATA['.startsWith(src.slice(i))) return null;
    return bogusComment(src, i + 2);
  }
  if (c1 === 63 /* ? */) return bogusComment(src, i + 2);
  return { kind: 'text', end: i + 1 }; // `a < b`: a literal `<`
}

function findRawTextEnd(src: string, from: number, name: string): number {
  const re = new RegExp(`</${name}[\\t\\n\\f\\r />]`, 'ig');
  re.lastIndex = from;
  const m = re.exec(src);
  if (!m) return -1;
  return scanTagEnd(src, m.index + 2 + name.length);
}

/**
 * Scans `src` from `from` (which must be a segment boundary, e.g. 0 or the end of a
 * complete segment). `final`: the text will not grow, so nothing is held back and the last
 * segment counts as complete.
 */
export function scanSegments(src: string, from: number, final: boolean): SegmentScan {
  const n = src.length;
  const segments: HtmlSegment[] = [];
  const stack: string[] = [];
  let segmentStart = from;
  let i = from;
  let heldBack = -1;
  let sloppy = false; // the rest is one segment
  let plainState = true; // ended in ordinary markup (not raw text / plaintext)
  let lastConstructEnd = from;
  let foreign = 0; // open svg/math elements

  const closeTopLevel = (end: number): void => {
    if (stack.length === 0 && !sloppy) {
      segments.push({ start: segmentStart, end, complete: true });
      segmentStart = end;
    }
  };

  while (i < n) {
    if (src.charCodeAt(i) !== 60 /* < */) {
      const next = src.indexOf('<', i);
      i = next < 0 ? n : next;
      continue;
    }
    const t = readConstruct(src, i, foreign > 0);
    if (t === null) {
      // At the very end the parser drops or shows it: let the sanitizer decide.
      if (final) break;
      heldBack = i;
      break;
    }
    if (t.kind === 'text') {
      i = t.end;
      continue;
    }
    // A top-level text run before this construct is a segment of its own.
    if (stack.length === 0 && !sloppy && i > segmentStart) {
      segments.push({ start: segmentStart, end: i, complete: true });
      segmentStart = i;
    }
    lastConstructEnd = t.end;
    i = t.end;
    if (t.kind === 'comment') {
      closeTopLevel(i);
      continue;
    }
    const name = t.name;
    // Inside svg/math, an HTML start tag (`<p>`, `<div>`, `<b>`..., even self-closed) or
    // `</br>`, `</p>` takes the parser back out of foreign content, so `<svg><p/></svg>`
    // leaves a <p> open. Rather than carry the spec's list of such names, any element or
    // those end tags inside foreign content end the cutting: the rest is one segment.
    if (foreign > 0 && (t.kind === 'start' || name === 'br' || name === 'p')) sloppy = true;
    if (t.kind === 'start') {
      if (name === 'plaintext' && foreign === 0) {
        sloppy = true;
        plainState = false;
        lastConstructEnd = n;
        break;
      }
      if ((VOID.has(name) && foreign === 0) || (foreign > 0 && t.selfClosing)) {
        closeTopLevel(i);
        continue;
      }
      if (RAW_TEXT.has(name) && foreign === 0) {
        const end = findRawTextEnd(src, i, name);
        if (end < 0) {
          // Unclosed raw text: everything after it is its content, never shown as markup.
          stack.push(name);
          sloppy = true;
          plainState = false;
          lastConstructEnd = n;
          break;
        }
        i = end;
        lastConstructEnd = end;
        closeTopLevel(i);
        continue;
      }
      stack.push(name);
      if (FOREIGN_ROOTS.has(name)) foreign++;
      continue;
    }
    // End tag.
    const at = stack.lastIndexOf(name);
    if (at < 0) {
      // Stray: ignored inside an element, its own segment at top level.
      if (stack.length === 0) closeTopLevel(i);
      continue;
    }
    // Closing more than the innermost element means the parser's implied ends
    // (or misnesting) may differ from ours: stop cutting from here on.
    if (at !== stack.length - 1) sloppy = true;
    for (let k = stack.length - 1; k >= at; k--) if (FOREIGN_ROOTS.has(stack[k]!)) foreign--;
    stack.length = at;
    closeTopLevel(i);
  }

  let visibleEnd = heldBack >= 0 ? heldBack : n;
  let endsInText = plainState && visibleEnd > lastConstructEnd;
  if (!final && endsInText && heldBack < 0) {
    // Hold back a half-received character reference (`&am`), it would show as text.
    // (Before a held-back `<` it cannot grow: its meaning is settled.)
    const tail = src.slice(Math.max(lastConstructEnd, visibleEnd - 40), visibleEnd);
    const m = /&[#a-zA-Z0-9]*$/.exec(tail);
    if (m) {
      visibleEnd -= m[0].length;
      endsInText = visibleEnd > lastConstructEnd;
    }
  }
  if (visibleEnd > segmentStart) segments.push({ start: segmentStart, end: visibleEnd, complete: final });
  return {
    segments,
    visibleEnd,
    openStack: plainState && !sloppy && foreign === 0 ? [...stack] : null,
    endsInText,
  };
}
