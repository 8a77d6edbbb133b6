/**
 * The sanitizer for bot HTML: one private DOMPurify instance, configured once with a
 * frozen strict policy, returning DOM fragments (never strings, so nothing is re-parsed
 * after sanitizing: no mutation-XSS round trip).
 *
 * Trusted Types: DOMPurify parses with `DOMParser.parseFromString`, a Trusted Types sink.
 * On a page with `require-trusted-types-for 'script'` we hand DOMPurify our own policy,
 * named {@link TRUSTED_TYPES_POLICY_NAMES} (`indigo-chat-html`). Its `createHTML` is the
 * identity, and it is only ever used by DOMPurify to feed the *inert* parser document
 * (scripts never run there, images never load); the policy object never leaves this
 * module. Site owners list the name in their CSP: `trusted-types indigo-chat-html`.
 * If the page refuses that name, DOMPurify falls back to creating its own policy named
 * `dompurify`; if that is refused too, parsing fails closed (empty output).
 */
import DOMPurify from 'dompurify';
import type { Config, DOMPurify as DOMPurifyInstance, UponSanitizeAttributeHookEvent } from 'dompurify';
import { gateFragment, type MediaGateOptions } from './media-gate.js';
import { safeUrl, type UrlPolicyOptions } from './url-policy.js';

/** URL policy plus the on-render media gate (./media-gate.ts). */
export type SanitizeOptions = UrlPolicyOptions & MediaGateOptions;

/** Trusted Types policy names this layer creates (list them in a `trusted-types` CSP directive). */
export const TRUSTED_TYPES_POLICY_NAMES: readonly string[] = Object.freeze(['indigo-chat-html']);

// Text, lists, tables, headings, code, quotes, links, images. Nothing that can submit,
// load a document, run script or draw outside the bubble (no forms, SVG, MathML, iframes,
// templates, style, link, meta, base, object, embed, media players).
const ALLOWED_TAGS = Object.freeze([
  'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'code', 'dd', 'del', 'div', 'dl', 'dt', 'em',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p',
  'pre', 's', 'small', 'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th',
  'thead', 'tr', 'u', 'ul',
]);

// No style/class/id/name (overlays, CSS beacons, DOM clobbering), no data-*/aria-* (they
// can steer the host page's scripts and styles). `lang`/`dir` stay for multilingual
// answers and are validated by value below.
const ALLOWED_ATTR = Object.freeze([
  'href', 'src', 'alt', 'title', 'colspan', 'rowspan', 'start', 'reversed', 'scope', 'lang', 'dir',
]);

const POLICY: Readonly<Config> = Object.freeze({
  ALLOWED_TAGS: [...ALLOWED_TAGS],
  ALLOWED_ATTR: [...ALLOWED_ATTR],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  ALLOW_SELF_CLOSE_IN_ATTR: false,
  SAFE_FOR_XML: true,
  WHOLE_DOCUMENT: false,
  // Parse as content of <body> from the first character. Without it a lone segment such as
  // `</p>` or `<noscript>…` is parsed in the document's "before head" state and comes out
  // differently than in the middle of an answer; the streaming view sanitizes segment by
  // segment and relies on every segment parsing as it would in context.
  FORCE_BODY: true,
  KEEP_CONTENT: true,
  RETURN_DOM_FRAGMENT: true,
});

const ATTR_VALUE_RULES: Readonly<Record<string, RegExp>> = Object.freeze({
  colspan: /^[1-9][0-9]{0,2}$/,
  rowspan: /^[0-9]{1,3}$/,
  start: /^-?[0-9]{1,9}$/,
  reversed: /^(|reversed)$/i,
  scope: /^(row|col|rowgroup|colgroup)$/i,
  dir: /^(ltr|rtl|auto)$/i,
  lang: /^[a-z]{2,8}(-[a-z0-9]{1,8})*$/i,
});

let purifier: DOMPurifyInstance | null = null;
// The URL options of the sanitize call in progress (sanitizing is synchronous, so a
// module variable is enough; hooks are registered once and read it).
let activeOptions: UrlPolicyOptions | undefined;

/** Built on first use, so importing this module has no side effects (no policy created). */
function getPurifier(): DOMPurifyInstance {
  if (purifier) return purifier;
  if (typeof window === 'undefined') throw new Error('indigo-chat: sanitizing HTML needs a DOM (browser only)');
  const instance = DOMPurify(window);
  if (!instance.isSupported) throw new Error('indigo-chat: this browser cannot sanitize HTML safely');

  instance.addHook('uponSanitizeAttribute', (node: Element, data: UponSanitizeAttributeHookEvent) => {
    const name = data.attrName;
    if (name === 'href') {
      const href = safeUrl(data.attrValue, 'link', activeOptions);
      if (href === null) data.keepAttr = false;
      else data.attrValue = href;
    } else if (name === 'src') {
      const src = node.nodeName === 'IMG' ? safeUrl(data.attrValue, 'media', activeOptions) : null;
      if (src === null) data.keepAttr = false;
      else data.attrValue = src;
    } else {
      const rule = ATTR_VALUE_RULES[name];
      if (rule && !rule.test(data.attrValue)) data.keepAttr = false;
    }
  });

  instance.addHook('afterSanitizeAttributes', (node: Element) => {
    if (node.nodeName === 'A') {
      const href = node.getAttribute('href');
      if (href !== null && /^https?:/i.test(href)) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    } else if (node.nodeName === 'IMG') {
      // An image without a safe source is dropped whole (its alt text would be a
      // broken-image icon); NodeIterator tolerates removing the current node.
      if (!node.hasAttribute('src')) {
        node.remove();
        return;
      }
      // Ours, not the bot's: lazy, off the main thread, and no referrer to third parties.
      node.setAttribute('loading', 'lazy');
      node.setAttribute('decoding', 'async');
      node.setAttribute('referrerpolicy', 'no-referrer');
    } else if (node.nodeName === 'PRE' || node.nodeName === 'TABLE') {
      // Ours: code blocks and tables scroll sideways inside a narrow bubble, and a
      // scrollable region must be reachable by keyboard (WCAG 2.1.1, axe
      // scrollable-region-focusable).
      node.setAttribute('tabindex', '0');
    }
  });

  const config: Config = { ...POLICY };
  const tt = (window as unknown as { trustedTypes?: TrustedTypePolicyFactoryLike }).trustedTypes;
  if (tt && typeof tt.createPolicy === 'function') {
    try {
      config.TRUSTED_TYPES_POLICY = tt.createPolicy(TRUSTED_TYPES_POLICY_NAMES[0]!, {
        createHTML: (html: string) => html,
        createScriptURL: (url: string) => url,
      }) as Config['TRUSTED_TYPES_POLICY'];
    } catch {
      // Name refused by the page's CSP: leave DOMPurify to try its own `dompurify` policy.
    }
  }
  // setConfig parses the policy once instead of on every call (the hot path runs this
  // up to once per frame per changed segment).
  instance.setConfig(config);
  purifier = instance;
  return instance;
}

interface TrustedTypePolicyFactoryLike {
  createPolicy(name: string, rules: { createHTML(s: string): string; createScriptURL(s: string): string }): unknown;
}

/**
 * Sanitizes bot HTML into an inert fragment owned by a parser document; insert it as is.
 * Then the media gate: nothing in it can make a request on render unless its origin is
 * in `options.loadOrigins` (refused images become click-to-load placeholders).
 */
export function sanitizeToFragment(html: string, options?: SanitizeOptions): DocumentFragment {
  const instance = getPurifier();
  activeOptions = options;
  let fragment: DocumentFragment;
  try {
    fragment = instance.sanitize(String(html), POLICY as Config & { RETURN_DOM_FRAGMENT: true });
  } finally {
    activeOptions = undefined;
  }
  gateFragment(fragment, options);
  return fragment;
}

/**
 * Degraded rendering of raw text (e.g. when the HTML stream broke): escaped text,
 * paragraphs on blank lines, `<br>` on single newlines. Built with DOM APIs only, so the
 * text can never become markup.
 */
export function plainTextToFragment(raw: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  const text = String(raw).replace(/\r\n?/g, '\n');
  for (const paragraph of text.split(/\n[ \t]*\n/)) {
    const trimmed = paragraph.replace(/^\n+|\n+$/g, '');
    if (trimmed.trim() === '') continue;
    const p = document.createElement('p');
    trimmed.split('\n').forEach((line, i) => {
      if (i > 0) p.append(document.createElement('br'));
      p.append(document.createTextNode(line));
    });
    fragment.append(p);
  }
  return fragment;
}
