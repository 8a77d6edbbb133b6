import { safeUrl } from './url-policy.js';

/**
 * The sanitizer's output policy as the browser tests check it (test files only): which
 * attributes may appear on sanitized bot content.
 */
export const ALLOWED_ATTRS: ReadonlySet<string> = new Set([
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
  // set by our hooks, never taken from the input
  'target',
  'rel',
  'loading',
  'decoding',
  'referrerpolicy',
]);

/** True when `attr` may appear on a sanitized `<tag>`. */
export function attributeAllowed(tag: string, attr: Attr): boolean {
  if (ALLOWED_ATTRS.has(attr.name)) return true;
  // tabindex="0" is ours, on code blocks and tables that scroll sideways.
  if (attr.name === 'tabindex' && attr.value === '0' && (tag === 'pre' || tag === 'table')) return true;
  // The media gate's click-to-load placeholder (media-gate.ts) is ours too.
  const placeholder: Record<string, Record<string, string>> = {
    span: { part: 'blocked-media', class: 'blocked-media' },
    button: { type: 'button', class: 'blocked-media-load' },
  };
  return placeholder[tag]?.[attr.name] === attr.value;
}

/** The elements sanitized bot content may contain. */
export const ALLOWED_ELEMENTS: ReadonlySet<string> = new Set([
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

/** Every violation of the policy found in a sanitized tree (empty = clean). */
export function violations(root: ParentNode): string[] {
  const found: string[] = [];
  for (const el of root.querySelectorAll('*')) {
    const tag = el.localName;
    if (el.namespaceURI !== 'http://www.w3.org/1999/xhtml') found.push(`namespace ${el.namespaceURI} <${tag}>`);
    // The media gate's placeholder button is ours (media-gate.ts).
    if (!ALLOWED_ELEMENTS.has(tag) && !(tag === 'button' && el.className === 'blocked-media-load')) found.push(`element <${tag}>`);
    for (const attr of el.attributes) {
      if (!attributeAllowed(tag, attr)) found.push(`attribute ${tag}[${attr.name}]`);
      if (attr.name.startsWith('on')) found.push(`handler ${tag}[${attr.name}]`);
    }
    const href = el.getAttribute('href');
    if (href !== null && safeUrl(href, 'link') !== href) found.push(`href ${href}`);
    const src = el.getAttribute('src');
    if (src !== null && (tag !== 'img' || safeUrl(src, 'media') !== src)) found.push(`src ${src}`);
    if (
      tag === 'a' &&
      /^https?:/.test(href ?? '') &&
      (el.getAttribute('target') !== '_blank' || el.getAttribute('rel') !== 'noopener noreferrer')
    ) {
      found.push(`link without target/rel: ${href}`);
    }
  }
  return found;
}
