/**
 * Renders the growing HTML of one generation into a container, at most once per frame,
 * touching only what changed (docs/performance.md, "The pipeline", steps 2-5).
 *
 * - `set()` only records the newest full HTML and schedules one commit per frame.
 * - A commit splits the HTML into top-level segments (./segments.ts). Complete segments whose
 *   source did not change keep their DOM nodes untouched (images decoded once, text
 *   selection survives). Changed or new segments are sanitized on their own and swapped in;
 *   a delta that reaches back into an earlier segment re-renders just that segment.
 * - Incomplete tails (`<stro`, `<a href="ht`, `&am`) are held back until they complete.
 * - Plain text appended to the last text node of the tail goes straight into that node.
 * - Segments live in wrapper groups of ~32 under `content-visibility: auto` (ours, not bot
 *   content), so the browser skips layout/paint of far-away finished content.
 *
 * Why per-segment sanitizing is safe: every node we insert comes out of DOMPurify (or is a
 * text node whose data has no markup at all, on the append fast path), and fragments are
 * joined as DOM nodes, never re-serialized and re-parsed. Putting sanitized siblings next
 * to each other cannot create an element or attribute, so a payload split across a segment
 * boundary is still held to the same allowlist. Cuts are only made where the HTML parser
 * is back in a clean state, so each segment also *looks* the same as in the whole text.
 */
import { isSpace, scanSegments } from './segments.js';
import { FramePacer } from './frame-pacing.js';
import { hasClickToLoad, shownNode } from './media-gate.js';
import { plainTextToFragment, sanitizeToFragment, type SanitizeOptions } from './sanitize.js';
import { ENTITIES } from '../core/char-refs.js';

/**
 * HTML the view reads from an offset on, without the whole of it being built: a long
 * generation's text held in pieces builds only its tail (a string of the whole answer
 * every frame cost time that grew with the answer). `tail(start)` is the HTML from UTF-16
 * offset `start` on.
 */
export interface HtmlSource {
  readonly length: number;
  tail(start: number): string;
}

/** The HTML a view is given: a string, or a source of it. */
export type StreamingHtml = string | HtmlSource;

/** A string as a source; sources as they are; anything else null. */
const sourceOf = (html: unknown): HtmlSource | null =>
  typeof html === 'string'
    ? { length: html.length, tail: (start) => html.slice(start) }
    : typeof (html as HtmlSource | null)?.tail === 'function'
      ? (html as HtmlSource)
      : null;

/** The first `end` code units of `html` (nothing is built until read). */
const prefixOf = (html: HtmlSource, end: number): HtmlSource => ({
  length: end,
  tail: (start) => html.tail(start).slice(0, Math.max(0, end - start)),
});

export type StreamingHtmlOptions = SanitizeOptions & {
  /** Runs a commit later; default: an animation frame, at most one per STREAM_FRAME_MS. */
  schedule?: (cb: () => void) => void;
  /** Clock for the commit budget (tests); default `performance.now`. */
  now?: () => number;
};

/**
 * A commit that has many new segments to sanitize (a backlog after a stalled frame, a
 * long answer arriving in big reads, the end of a long answer) stops inserting after this
 * many ms and leaves the rest for the next frame, so one frame does not become a long
 * task on a slow phone. Never before what it removed has been replaced.
 */
const COMMIT_BUDGET_MS = 6;

/** Finished views whose final HTML is not all shown yet (see {@link afterFinalCommits}). */
const behind = new Set<StreamingHtmlView>();
let whenShown: (() => void)[] = [];

/**
 * Runs `cb` once every finished view shows all of its final HTML: at once when none is
 * behind (the usual case), else after the frames that commit the rest of a long answer.
 */
export function afterFinalCommits(cb: () => void): void {
  if (behind.size === 0) cb();
  else whenShown.push(cb);
}

function caughtUp(view: StreamingHtmlView, container: HTMLElement): void {
  if (!behind.delete(view)) return;
  container.removeAttribute('aria-busy');
  if (behind.size > 0) return;
  const run = whenShown;
  whenShown = [];
  for (const cb of run) cb();
}

/** Attribute marking our wrapper groups (not bot content). */
export const SEGMENT_GROUP_ATTRIBUTE = 'data-segment-group';
const GROUP_SIZE = 32;

// Open elements inside which appending plain text to the last text node is exactly what
// the parser would do. Table structure is excluded (text there is foster-parented).
const APPENDABLE = new Set([
  'a',
  'abbr',
  'b',
  'blockquote',
  'caption',
  'code',
  'dd',
  'del',
  'div',
  'dl',
  'dt',
  'em',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'i',
  'ins',
  'kbd',
  'li',
  'mark',
  'ol',
  'p',
  'pre',
  's',
  'small',
  'span',
  'strong',
  'sub',
  'sup',
  'td',
  'th',
  'u',
  'ul',
]);

/** Table structure: text directly inside is foster-parented, but not text inside its cells. */
const TABLE_PARTS = ['table', 'thead', 'tbody', 'tfoot', 'tr'];

interface Group {
  readonly el: HTMLElement;
  count: number;
}

interface Segment {
  start: number;
  src: string;
  complete: boolean;
  nodes: Node[];
  group: Group;
}

export class StreamingHtmlView {
  readonly #container: HTMLElement;
  readonly #urlOptions: SanitizeOptions;
  readonly #schedule: (cb: () => void) => void;
  readonly #now: () => number;
  #segments: Segment[] = [];
  #lastRaw: HtmlSource = sourceOf('')!;
  #pending: HtmlSource | null = null;
  /**
   * Code units at the start of the newest HTML (`pending`, or the next `set()`'s base)
   * known to equal `lastRaw` from the caller's hints; -1 when unknown (compare strings).
   */
  #same = 0;
  #scheduled = false;
  #finished = false;
  #plainTextMode = false;
  #destroyed = false;
  #commitCount = 0;
  #fastCount = 0;

  constructor(container: HTMLElement, options: StreamingHtmlOptions = {}) {
    this.#container = container;
    this.#urlOptions = {
      ...(options.mediaOrigins ? { mediaOrigins: [...options.mediaOrigins] } : {}),
      ...(options.loadOrigins ? { loadOrigins: [...options.loadOrigins] } : {}),
      ...(options.blockedLabel ? { blockedLabel: options.blockedLabel } : {}),
    };
    if (options.schedule) this.#schedule = options.schedule;
    else {
      const pacer = new FramePacer();
      this.#schedule = (cb) => pacer.next(cb);
    }
    this.#now = options.now ?? (() => performance.now());
  }

  /** How many DOM commits happened (tests, benchmarks). */
  get commits(): number {
    return this.#commitCount;
  }

  /** How many of those commits only appended text to an existing text node (tests, benchmarks). */
  get textAppends(): number {
    return this.#fastCount;
  }

  /**
   * The full raw HTML of the generation so far. Cheap: commits at most once per frame.
   * `unchangedPrefix`, when the caller knows it without comparing (LiveText pieces), is a
   * length the HTML shares with the previous `set()`'s: the commit then finds what
   * changed without comparing the whole answer. Any lower bound is correct.
   */
  set(html: StreamingHtml, unchangedPrefix?: number): void {
    const source = sourceOf(html);
    if (this.#finished || this.#plainTextMode || this.#destroyed || !source) return;
    this.#hint(source, unchangedPrefix);
    this.#pending = source;
    this.#scheduleCommit();
  }

  #hint(html: HtmlSource, unchangedPrefix?: number): void {
    const known = typeof unchangedPrefix === 'number' && unchangedPrefix >= 0 ? Math.min(unchangedPrefix, html.length) : -1;
    this.#same = known < 0 || this.#same < 0 ? -1 : Math.min(this.#same, known);
  }

  #scheduleCommit(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#schedule(() => {
      this.#scheduled = false;
      this.flush();
    });
  }

  /** Commits now if a `set()` is pending (tests; or before reading layout). */
  flush(): void {
    if (this.#pending === null || this.#destroyed) return;
    const html = this.#pending;
    this.#pending = null;
    this.#commit(html, this.#finished);
  }

  /**
   * Final commit, nothing held back; later `set()` calls are ignored (`unchangedPrefix`
   * as in `set()`, relative to the last `set()`'s HTML). Within the commit
   * budget like the others: a long backlog goes in over the next frames (each adding,
   * never removing), and {@link afterFinalCommits} tells when all of it is shown.
   */
  finish(html: StreamingHtml, unchangedPrefix?: number): void {
    if (this.#finished || this.#destroyed) return;
    this.#pending = null;
    this.#finished = true;
    // After a fallback to raw text the HTML is not trusted to be whole: keep the text.
    const source = sourceOf(html);
    if (this.#plainTextMode || !source) return;
    this.#hint(source, unchangedPrefix);
    this.#commit(source, true);
  }

  /**
   * Degraded generation: shows `raw` as escaped text in place of the HTML. A blank `raw`
   * keeps what is shown (never remove text without a replacement). Later `set()` calls
   * are ignored; `finish()` only freezes.
   */
  showPlainText(text: string): void {
    if (this.#destroyed) return;
    this.#pending = null;
    this.#plainTextMode = true;
    caughtUp(this, this.#container);
    const fragment = plainTextToFragment(String(text));
    if (fragment.childNodes.length === 0) return;
    this.#segments = [];
    this.#container.replaceChildren(fragment);
    this.#commitCount++;
  }

  /** Stops scheduling; the content stays in the container. */
  destroy(): void {
    this.#destroyed = true;
    this.#pending = null;
    this.#segments = [];
    caughtUp(this, this.#container);
  }

  #commit(html: HtmlSource, final: boolean): void {
    const same = this.#same;
    // Nothing new: different lengths differ; otherwise the hint may prove equality without
    // a compare. Not asked of a final commit, which goes on either way (comparing would
    // build the whole answer once more at its end).
    if (!final && html.length === this.#lastRaw.length && (same === html.length || html.tail(0) === this.#lastRaw.tail(0))) return;
    this.#commitCount++;
    try {
      const committed = this.#reconcile(html, final, same);
      this.#lastRaw = committed;
      // What is still pending (the rest of `html`) starts with what was just committed.
      this.#same = committed.length;
      if (committed.length !== html.length) {
        // Over budget: the rest of the segments go in next frame (unless newer HTML came).
        this.#pending ??= html;
        // A finished answer's rest going in over the next frames: its container says it
        // is still being filled (aria-busy) until all of it is shown, so neither assistive
        // technology nor a script reading "nothing busy" takes a part for the whole (e2e,
        // WebKit on loaded cores: a finished answer read with its last paragraphs missing).
        if (final) {
          behind.add(this);
          this.#container.setAttribute('aria-busy', 'true');
        }
        this.#scheduleCommit();
      } else if (final) caughtUp(this, this.#container);
    } catch (error) {
      // Never throw into the caller's stream loop; without a working sanitizer the only
      // safe rendering is plain text.
      console.error('indigo-chat: rendering HTML failed, showing text', error);
      this.showPlainText(html.tail(0));
    }
  }

  /**
   * Brings the DOM to `raw`, or to a prefix of it ending at a segment (budget); returns it.
   * `same` >= 0: `raw` and the last committed source agree on that many code units.
   */
  #reconcile(raw: HtmlSource, final: boolean, same: number): HtmlSource {
    const segments = this.#segments;
    // 1. Complete segments whose source is unchanged at the same offset survive as is.
    //    Usual case: everything before the live tail is unchanged (one native compare).
    const last = segments[segments.length - 1];
    const settled = last && !last.complete ? segments.length - 1 : segments.length;
    const prevRaw = this.#lastRaw;
    // How far the old and new source agree. With a hint, a short compare from there (within
    // the edited piece); without (the first commit, tests), from the start.
    const common = commonPrefixFrom(prevRaw, raw, Math.max(0, same));
    const keep = segmentsKept(segments, settled, common);

    // 2. Re-scan only from there.
    const from = keep > 0 ? segmentEnd(segments[keep - 1]!) : 0;
    // Only the HTML from there on is read (a segment boundary: the scan needs nothing before).
    const tail = raw.tail(from);
    const scan = scanSegments(tail, 0, final);
    const fresh = scan.segments.map((b) => ({ start: from + b.start, src: tail.slice(b.start, b.end), complete: b.complete }));
    const old = segments.slice(keep);

    // 3. Unchanged segments at both ends of the changed region keep their nodes.
    let p = 0;
    while (p < old.length && p < fresh.length && old[p]!.src === fresh[p]!.src) p++;
    let s = 0;
    while (s < old.length - p && s < fresh.length - p && old[old.length - 1 - s]!.src === fresh[fresh.length - 1 - s]!.src) s++;
    const oldMid = old.slice(p, old.length - s);
    const freshMid = fresh.slice(p, fresh.length - s);
    const suffix = old.slice(old.length - s);

    // Positions and completeness of kept segments follow the new scan.
    for (let k = 0; k < p; k++) old[k]!.complete = fresh[k]!.complete;
    suffix.forEach((b, k) => {
      const f = fresh[fresh.length - s + k]!;
      b.start = f.start;
      b.complete = f.complete;
    });

    if (oldMid.length === 0 && freshMid.length === 0) return raw;

    // 4. Fast path: one segment changed by plain text typed at the end of its last text
    //    (`<p>Hello wor</p>` -> `<p>Hello world</p>`, or an open tail that just grew).
    if (oldMid.length === 1 && freshMid.length === 1) {
      const segment = oldMid[0]!;
      const next = freshMid[0]!;
      const text = textInsertTarget(segment, next.src);
      if (text) {
        text.target.appendData(text.inserted);
        this.#fastCount++;
        segment.src = next.src;
        segment.start = next.start;
        segment.complete = next.complete;
        return raw;
      }
    }

    // 5. Swap the changed segments. One segment changed into one with markup (the live tail
    //    grew: `<ul><li>a</li><li>b` -> `…<li>b</li><li>c`) is patched instead: its nodes that
    //    equal the new ones stay (an image is not reloaded, a selection not lost), and the
    //    browser lays out and paints only what changed.
    let live = oldMid.length === 1 && freshMid.length > 0 ? oldMid[0] : undefined;
    const touched = new Set<Group>();
    const drop = (b: Segment): void => {
      for (const node of b.nodes.map(shownNode)) node.parentNode?.removeChild(node);
      b.group.count--;
      touched.add(b.group);
    };
    for (const b of oldMid) if (b !== live) drop(b);
    const head = segments.slice(0, keep + p);
    const inserted: Segment[] = [];
    let prev = head[head.length - 1];
    // The budget applies only at the end of the answer (nothing after the changed segments)
    // and once the segments just removed are covered again, so nothing shown disappears.
    // Not to a final commit in a hidden page: frames stop there, and nobody waits on it.
    const budgeted = suffix.length === 0 && freshMid.length > 1 && !(final && this.#container.ownerDocument.hidden);
    const removedEnd = oldMid.length > 0 ? segmentEnd(oldMid[oldMid.length - 1]!) : 0;
    const started = budgeted ? this.#now() : 0;
    for (const f of freshMid) {
      if (
        budgeted &&
        inserted.length > 0 &&
        prev!.complete &&
        segmentEnd(prev!) >= removedEnd &&
        this.#now() - started > COMMIT_BUDGET_MS
      ) {
        this.#segments = head.concat(inserted);
        for (const g of touched) if (g.count === 0) g.el.remove();
        return prefixOf(raw, segmentEnd(prev!));
      }
      // A top-level run of plain text (the newline between two blocks, every other segment)
      // is a text node: a sanitizer call costs ~50 µs whatever the length.
      const text = decodeText(f.src);
      const fragment = text === null ? sanitizeToFragment(f.src, this.#urlOptions) : this.#container.ownerDocument.createTextNode(text);
      const nodes = text === null ? Array.from(fragment.childNodes) : [fragment];
      if (live) {
        const shown = live.nodes.map(shownNode);
        const parent = shown[0]?.parentNode;
        // Not over a click-to-load stand-in: its URL is in a listener, so equal-looking ones may differ.
        if (text === null && parent && shown.every((n) => n.parentNode === parent) && !hasClickToLoad(fragment as DocumentFragment)) {
          Object.assign(live, f, { nodes: patchNodes(parent, shown, nodes) });
          inserted.push((prev = live));
          live = undefined;
          continue;
        }
        drop(live);
        live = undefined;
      }
      const group = this.#groupAfter(prev, suffix[0]);
      group.el.insertBefore(fragment, firstNodeIn(group, suffix));
      group.count++;
      const segment: Segment = { start: f.start, src: f.src, complete: f.complete, nodes, group };
      inserted.push(segment);
      prev = segment;
    }
    for (const g of touched) if (g.count === 0) g.el.remove();
    this.#segments = head.concat(inserted, suffix);
    return raw;
  }

  /** The group a segment placed after `prev` (and before `next`) goes into. */
  #groupAfter(prev: Segment | undefined, next: Segment | undefined): Group {
    if (prev && prev.group.el.parentNode === this.#container) {
      const g = prev.group;
      if (g.count < GROUP_SIZE || (next !== undefined && next.group === g)) return g;
      return this.#newGroup(g.el.nextSibling);
    }
    if (next) return next.group;
    return this.#newGroup(null);
  }

  #newGroup(before: Node | null): Group {
    const el = this.#container.ownerDocument.createElement('div');
    el.setAttribute(SEGMENT_GROUP_ATTRIBUTE, '');
    // CSSOM, not a style attribute: allowed under a CSP without 'unsafe-inline' styles.
    el.style.setProperty('content-visibility', 'auto');
    el.style.setProperty('contain-intrinsic-size', 'auto 500px');
    this.#container.insertBefore(el, before);
    return { el, count: 0 };
  }
}

/** Common prefix length of two HTMLs known to agree on their first `from` code units. */
function commonPrefixFrom(x: HtmlSource, y: HtmlSource, from: number): number {
  const start = Math.min(from, x.length, y.length);
  const a = x.tail(start);
  const b = y.tail(start);
  const n = Math.min(a.length, b.length);
  let i = 0;
  // Blocks of native compares, then code units: the hint is usually within a piece (~1 KB).
  while (i + 64 <= n && a.slice(i, i + 64) === b.slice(i, i + 64)) i += 64;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return start + i;
}

/**
 * How many of the first `count` segments keep their meaning when the source changes from
 * `common` on: those ending before it, or at it with a tag's `>`. Text ending right at the
 * change may join what is inserted after it (`&` + `amp;` is one `&amp;`; `\r` + `\n`).
 */
function segmentsKept(segments: readonly Segment[], count: number, common: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (segmentEnd(segments[mid]!) <= common) lo = mid + 1;
    else hi = mid;
  }
  const last = segments[lo - 1];
  if (last && segmentEnd(last) === common && !last.src.endsWith('>')) lo--;
  return lo;
}

/**
 * Makes the consecutive children `old` of `parent` equal to `fresh` (isEqualNode) moving as
 * few nodes as it can: equal ones at the start stay, the first that differs is patched when
 * both are text or the same element (name and attributes: its children, recursively), and
 * the rest is swapped for `fresh`'s. Returns the nodes now in place of `old`. An empty `old`
 * must be all of `parent`'s children (`fresh` is appended).
 */
function patchNodes(parent: Node, old: readonly Node[], fresh: readonly Node[]): Node[] {
  let i = 0;
  while (i < old.length && i < fresh.length && old[i]!.isEqualNode(fresh[i]!)) i++;
  const a = old[i];
  const b = fresh[i];
  if (a && b && a.nodeType === b.nodeType && (a.nodeType === Node.TEXT_NODE || sameStartTag(a as Element, b as Element))) {
    if (a.nodeType === Node.TEXT_NODE) {
      // Appended where it can be: a selection in the text stays.
      const was = (a as Text).data;
      const now = (b as Text).data;
      if (now.startsWith(was)) (a as Text).appendData(now.slice(was.length));
      else (a as Text).data = now;
    } else patchNodes(a, Array.from(a.childNodes), Array.from(b.childNodes));
    i++;
  }
  const after = old.length > 0 ? old[old.length - 1]!.nextSibling : null;
  for (const node of old.slice(i)) parent.removeChild(node);
  for (const node of fresh.slice(i)) parent.insertBefore(node, after);
  return old.slice(0, i).concat(fresh.slice(i));
}

/** Same name and attributes (not a clone: cloning a shown image would load it again). */
function sameStartTag(a: Element, b: Element): boolean {
  if (a.nodeType !== Node.ELEMENT_NODE || a.namespaceURI !== b.namespaceURI || a.localName !== b.localName) return false;
  if (a.attributes.length !== b.attributes.length) return false;
  for (const attr of Array.from(a.attributes)) if (b.getAttributeNS(attr.namespaceURI, attr.localName) !== attr.value) return false;
  return true;
}

function segmentEnd(b: Segment): number {
  return b.start + b.src.length;
}

/** First node, inside `group`, of the following segments (insert before it), or null. */
function firstNodeIn(group: Group, following: readonly Segment[]): Node | null {
  for (const b of following) {
    if (b.group !== group) return null;
    if (b.nodes.length > 0) return shownNode(b.nodes[0]!);
  }
  return null;
}

/**
 * When `next` is `segment.src` with plain text inserted just before some trailing end tags
 * (or at the very end), the text node that text goes into with the same result as
 * re-parsing, and the text itself; otherwise null. Safe by construction: the inserted
 * source has no `<` and only complete, plain character references, so it can only ever
 * become text. Covers text typed inside the innermost element (`<p>Hello wor</p>` ->
 * `<p>Hello world</p>`), after an inline element closed (`<p><b>x</b></p>` ->
 * `<p><b>x</b> and</p>`: a new text node), and apostrophes and ampersands (`&#39;`).
 */
function textInsertTarget(segment: Segment, next: string): { target: Text; inserted: string } | null {
  const old = segment.src;
  if (next.length <= old.length) return null;
  const closers = trailingEndTags(old);
  // Split points, innermost first: before all the trailing end tags, then before fewer.
  for (let k = closers.names.length; k >= 0; k--) {
    const headLength = k === 0 ? old.length : closers.starts[closers.names.length - k]!;
    const tail = old.slice(headLength);
    if (!next.startsWith(old.slice(0, headLength)) || !next.endsWith(tail)) continue;
    const inserted = decodeText(next.slice(headLength, next.length - tail.length));
    if (inserted === null) return null;
    return insertAt(segment, old.slice(0, headLength), closers.names.slice(closers.names.length - k), inserted);
  }
  return null;
}

/** Text for source with no markup and only plain character references; else null. */
function decodeText(src: string): string | null {
  if (/[<\r\0]/.test(src)) return null;
  if (!src.includes('&')) return src;
  let bad = false;
  const out = src.replace(
    /&(?:(amp|lt|gt|quot|apos|nbsp)|#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6}));|&/g,
    (m, name?: string, dec?: string, hex?: string) => {
      if (name) return ENTITIES[name]!;
      const cp = dec !== undefined ? Number(dec) : hex !== undefined ? parseInt(hex, 16) : -1;
      // Printable code points only: the parser remaps or replaces the others.
      if (
        cp === 9 ||
        cp === 10 ||
        (cp >= 0x20 && cp < 0x7f) ||
        (cp >= 0xa0 && cp <= 0xd7ff) ||
        (cp >= 0xe000 && cp <= 0xfdcf) ||
        (cp >= 0xfdf0 && cp <= 0x10ffff && (cp & 0xfffe) !== 0xfffe)
      ) {
        return String.fromCodePoint(cp);
      }
      bad = true;
      return m;
    },
  );
  return bad ? null : out;
}

/** Where text goes at the end of `head` (closed by `closing`, innermost first), if plain. */
function insertAt(segment: Segment, head: string, closing: readonly string[], inserted: string): { target: Text; inserted: string } | null {
  // The parser state where the text goes: scanning the segment's own head is cheap (one segment).
  const state = scanSegments(head, 0, false);
  const stack = state.openStack;
  if (stack === null || state.visibleEnd !== head.length) return null;
  // Text goes into the innermost element: it must take text as is; table structure above a
  // cell is fine (the DOM walk below checks the parser built what the stack says).
  if (!stack.every((name) => APPENDABLE.has(name) || TABLE_PARTS.includes(name)) || TABLE_PARTS.includes(stack[stack.length - 1]!))
    return null;
  // The end tags after the text must close exactly the innermost open elements, in order.
  if (closing.length > stack.length) return null;
  for (let k = 0; k < closing.length; k++) {
    if (closing[k] !== stack[stack.length - 1 - k]) return null;
  }
  // Walk the segment's DOM down the open elements; the text goes at the end of the innermost.
  // After an open child, only the end tags and the whitespace between them follow in the
  // source: the text nodes there are that whitespace, step over them.
  const last = segment.nodes[segment.nodes.length - 1];
  let node: Node | null | undefined = last && shownNode(last);
  let parent: Element | null = null;
  for (let depth = 0; depth < stack.length; depth++) {
    if (!node || node.nodeType !== Node.ELEMENT_NODE || (node as Element).localName !== stack[depth]) return null;
    parent = node as Element;
    node = parent.lastChild;
    if (depth < stack.length - 1) while (node?.nodeType === Node.TEXT_NODE) node = node.previousSibling;
  }
  if (state.endsInText) {
    // Typed into the last text: it must be there, under exactly the open elements.
    if (!node || node.nodeType !== Node.TEXT_NODE) return null;
    return { target: node as Text, inserted };
  }
  // After a tag: a new text node at the end of the innermost open element (or the end of
  // its last text, which renders the same). Not first in a <pre>: the parser drops a
  // newline right after its start tag.
  if (!parent || (node === null && parent.localName === 'pre')) return null;
  if (node && node.nodeType === Node.TEXT_NODE) return { target: node as Text, inserted };
  if (node && node.nodeType !== Node.ELEMENT_NODE) return null;
  const text = parent.ownerDocument.createTextNode('');
  parent.append(text);
  return { target: text, inserted };
}

/**
 * The run of plain `</name>` tags ending `src`, with only whitespace between them (marked
 * writes `</li>\n</ul>`, `</td>\n</tr>`): names and start offsets, in source order.
 */
function trailingEndTags(src: string): { names: string[]; starts: number[] } {
  const names: string[] = [];
  const starts: number[] = [];
  let end = src.length;
  for (;;) {
    if (names.length > 0) while (isSpace(src.charCodeAt(end - 1))) end--;
    if (src.charCodeAt(end - 1) !== 62 /* > */) break;
    const open = src.lastIndexOf('</', end - 1);
    if (open < 0) break;
    const name = src.slice(open + 2, end - 1);
    if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(name)) break;
    names.unshift(name.toLowerCase());
    starts.unshift(open);
    end = open;
  }
  return { names, starts };
}
