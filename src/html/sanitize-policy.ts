/**
 * The one policy for bot HTML, whichever engine parses it (docs/decisions/native-sanitizer.md):
 * the browser's HTML Sanitizer API where it exists, DOMPurify (a lazy chunk) elsewhere.
 *
 * - One description: the allowed elements and attributes, the elements removed with
 *   their content, the attribute value rules. Both engines' configurations are derived
 *   from it (`domPurifyConfig` in ./sanitize-dompurify.ts, {@link nativeSanitizerConfig}), so neither can keep
 *   an element or attribute the description does not name.
 * - One post-pass, {@link enforcePolicy}, run on the output of either engine before the
 *   media gate: it applies the description again (unwraps elements outside the allowlist,
 *   keeping their text, as DOMPurify's KEEP_CONTENT does), checks attribute values,
 *   runs every `href`/`src` through the URL policy, adds our own attributes (link
 *   target/rel, lazy images, keyboard-scrollable code and tables). For DOMPurify's output
 *   most of it is a no-op; for the native engine, whose allowlist cannot say "unwrap
 *   every other element", it does the unwrapping.
 *
 * Runs on an inert parser document (nothing loads there); no strings are produced, so
 * nothing is re-parsed after sanitizing.
 */
import { safeUrl, type UrlPolicyOptions } from './url-policy.js';

export const HTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';

// Text, lists, tables, headings, code, quotes, links, images. Nothing that can submit,
// load a document, run script or draw outside the bubble (no forms, SVG, MathML, iframes,
// templates, style, link, meta, base, object, embed, media players).
export const ALLOWED_TAGS: readonly string[] = Object.freeze([
  'a',
  'abbr',
  'b',
  'blockquote',
  'br',
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
  'hr',
  'i',
  'img',
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
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'u',
  'ul',
]);

// No style/class/id/name (overlays, CSS beacons, DOM clobbering), no data-*/aria-* (they
// can steer the host page's scripts and styles). `lang`/`dir` stay for multilingual
// answers and are validated by value below.
export const ALLOWED_ATTR: readonly string[] = Object.freeze([
  'href',
  'src',
  'alt',
  'title',
  'colspan',
  'rowspan',
  'start',
  'reversed',
  'scope',
  'lang',
  'dir',
]);

/**
 * Elements outside the allowlist that go with their content (every other one is unwrapped,
 * its text kept): DOMPurify's default FORBID_CONTENTS, plus what the native Sanitizer
 * always removes whole (embed, frame, object) and frameset, so both engines agree.
 */
export const DROP_WITH_CONTENT: readonly string[] = Object.freeze([
  'annotation-xml',
  'audio',
  'colgroup',
  'desc',
  'embed',
  'foreignobject',
  'frame',
  'frameset',
  'head',
  'iframe',
  'math',
  'mi',
  'mn',
  'mo',
  'ms',
  'mtext',
  'noembed',
  'noframes',
  'noscript',
  'object',
  'plaintext',
  'script',
  'selectedcontent',
  'style',
  'svg',
  'template',
  'title',
  'video',
  'xmp',
]);

const ATTR_VALUE_RULES: Readonly<Record<string, RegExp>> = Object.freeze({
  colspan: /^[1-9][0-9]{0,2}$/,
  rowspan: /^[0-9]{1,3}$/,
  start: /^-?[0-9]{1,9}$/,
  reversed: /^(|reversed)$/i,
  scope: /^(row|col|rowgroup|colgroup)$/i,
  dir: /^(ltr|rtl|auto)$/i,
  lang: /^[a-z]{2,8}(-[a-z0-9]{1,8})*$/i,
});

// DOMPurify's SAFE_FOR_XML and self-closing checks on attribute values (values that could
// close a comment or a raw-text element if the markup were ever serialized), applied to
// the raw value in both engines so they keep and drop the same attributes.
const VALUE_BREAKOUT = /((--!?|])>)|<\/(style|script|title|xmp|textarea|noscript|iframe|noembed|noframes)|\/>/i;

/**
 * Attributes the native engine must keep so the post-pass can judge the element: an
 * element with `is` (a customized built-in of the page's own registry, fixed at creation
 * even if the attribute goes) is removed whole, as DOMPurify removes it.
 */
const INSPECTED_ATTR: readonly string[] = ['is'];

const ALLOWED_TAG_SET = new Set(ALLOWED_TAGS);
const ALLOWED_ATTR_SET = new Set(ALLOWED_ATTR);
const DROP_SET = new Set(DROP_WITH_CONTENT);

/**
 * The native Sanitizer's configuration, from the description. Its allowlist form would
 * remove unknown elements *with* their text (`<foo>text</foo>`, an unescaped `<T>` in an
 * answer), so it takes the removal list and the attribute allowlist; the elements outside
 * the allowlist are unwrapped by {@link enforcePolicy}. Scripts, event handlers and
 * `javascript:` URLs are removed by the API itself whatever the configuration says.
 */
export function nativeSanitizerConfig(): Record<string, unknown> {
  return {
    removeElements: [
      ...DROP_WITH_CONTENT.map((name) => ({ name, namespace: HTML_NAMESPACE })),
      { name: 'svg', namespace: 'http://www.w3.org/2000/svg' },
      { name: 'math', namespace: 'http://www.w3.org/1998/Math/MathML' },
    ],
    attributes: [...ALLOWED_ATTR, ...INSPECTED_ATTR],
    comments: false,
    dataAttributes: false,
  };
}

/**
 * The shared post-pass, in place, on an engine's output: the allowlist again (elements
 * outside it unwrapped, text kept; {@link DROP_WITH_CONTENT} and foreign namespaces
 * removed whole; comments removed), attribute values checked, URLs through the URL policy,
 * and our own attributes added.
 */
export function enforcePolicy(root: ParentNode, options?: UrlPolicyOptions): void {
  let child = root.firstChild;
  while (child) {
    const next = child.nextSibling;
    if (child.nodeType === 1) {
      const el = child as Element;
      const name = el.localName;
      if (el.namespaceURI !== HTML_NAMESPACE || DROP_SET.has(name) || (ALLOWED_TAG_SET.has(name) && el.hasAttribute('is'))) {
        el.remove();
      } else if (ALLOWED_TAG_SET.has(name)) {
        cleanAttributes(el, options);
        enforcePolicy(el, options);
        finishElement(el);
      } else {
        // Unwrapped: its (already cleaned) children take its place.
        enforcePolicy(el, options);
        el.replaceWith(...Array.from(el.childNodes));
      }
    } else if (child.nodeType !== 3) {
      child.parentNode?.removeChild(child); // comments, processing instructions
    }
    child = next;
  }
}

function cleanAttributes(el: Element, options: UrlPolicyOptions | undefined): void {
  for (const attr of Array.from(el.attributes)) {
    const name = attr.name;
    const value = attr.value.trim();
    let kept: string | null = null;
    if (ALLOWED_ATTR_SET.has(name) && attr.namespaceURI === null && !VALUE_BREAKOUT.test(value)) {
      if (name === 'href') kept = safeUrl(value, 'link', options);
      else if (name === 'src') kept = el.localName === 'img' ? safeUrl(value, 'media', options) : null;
      else kept = ATTR_VALUE_RULES[name]?.test(value) === false ? null : value;
    }
    if (kept === null) el.removeAttributeNode(attr);
    else if (kept !== attr.value) attr.value = kept;
  }
}

/** Our attributes, never the bot's (theirs were not in the allowlist). */
function finishElement(el: Element): void {
  const name = el.localName;
  if (name === 'a') {
    if (/^https?:/i.test(el.getAttribute('href') ?? '')) {
      el.setAttribute('target', '_blank');
      el.setAttribute('rel', 'noopener noreferrer');
    }
  } else if (name === 'img') {
    // An image without a safe source is dropped whole (its alt text would be a
    // broken-image icon).
    if (!el.hasAttribute('src')) {
      el.remove();
      return;
    }
    // Lazy, off the main thread, and no referrer to third parties.
    el.setAttribute('loading', 'lazy');
    el.setAttribute('decoding', 'async');
    el.setAttribute('referrerpolicy', 'no-referrer');
  } else if (name === 'pre' || name === 'table') {
    // Code blocks and tables scroll sideways inside a narrow bubble, and a scrollable
    // region must be reachable by keyboard (WCAG 2.1.1, axe scrollable-region-focusable).
    el.setAttribute('tabindex', '0');
  }
}
