/**
 * The fallback engine: one private DOMPurify instance for browsers without the HTML
 * Sanitizer API (Safari/WebKit today). Loaded through `import()` (its own chunk), so
 * browsers with the native API never fetch it. Its configuration is derived here from the
 * shared description (./sanitize-policy.ts: the lists, which the native engine's
 * configuration and the post-pass use too, stay on the open path), and the shared
 * post-pass runs on what it returns (./sanitize.ts).
 *
 * Trusted Types: DOMPurify parses with `DOMParser.parseFromString`, a Trusted Types sink.
 * On a page with `require-trusted-types-for 'script'` we hand DOMPurify our own policy,
 * named `indigo-chat-html` (TRUSTED_TYPES_POLICY_NAMES). Its `createHTML` is the
 * identity, and it is only ever used by DOMPurify to feed the *inert* parser document
 * (scripts never run there, images never load); the policy object never leaves this
 * module. If the page refuses that name, DOMPurify falls back to creating its own policy
 * named `dompurify`; if that is refused too, parsing fails closed (empty output).
 */
import DOMPurify from 'dompurify';
import type { Config } from 'dompurify';
import { ALLOWED_ATTR, ALLOWED_TAGS, DROP_WITH_CONTENT } from './sanitize-policy.js';

interface TrustedTypePolicyFactoryLike {
  createPolicy(name: string, rules: { createHTML(s: string): string; createScriptURL(s: string): string }): unknown;
}

/**
 * DOMPurify's configuration, from the shared description. Here, in the fallback's chunk:
 * browsers with the native engine never need it (it was ~0.1 KB gzip on the open path).
 */
function domPurifyConfig(): Config {
  return {
    ALLOWED_TAGS: [...ALLOWED_TAGS],
    ALLOWED_ATTR: [...ALLOWED_ATTR],
    FORBID_CONTENTS: [...DROP_WITH_CONTENT],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
    ALLOW_SELF_CLOSE_IN_ATTR: false,
    SAFE_FOR_XML: true,
    WHOLE_DOCUMENT: false,
    // Not FORCE_BODY: the engine puts `<!doctype html><body>` before the input instead
    // (below), which also parses as content of <body> from the first character, and in
    // standards mode, as the native engine's setHTML does.
    FORCE_BODY: false,
    KEEP_CONTENT: true,
    RETURN_DOM_FRAGMENT: true,
  };
}

/** Builds the engine: `html` in, an inert fragment (owned by DOMPurify's parser document) out. */
export function createDomPurifyEngine(trustedTypesPolicyName: string): (html: string) => DocumentFragment {
  if (typeof window === 'undefined') throw new Error('indigo-chat: sanitizing HTML needs a DOM (browser only)');
  const instance = DOMPurify(window);
  if (!instance.isSupported) throw new Error('indigo-chat: this browser cannot sanitize HTML safely');
  const config = domPurifyConfig();
  const tt = (window as unknown as { trustedTypes?: TrustedTypePolicyFactoryLike }).trustedTypes;
  if (tt && typeof tt.createPolicy === 'function') {
    try {
      config.TRUSTED_TYPES_POLICY = tt.createPolicy(trustedTypesPolicyName, {
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
  // (After setConfig DOMPurify ignores a per-call config: the policy's RETURN_DOM_FRAGMENT
  // applies; the argument only gives `sanitize` its fragment return type.)
  const fragmentConfig = config as Config & { RETURN_DOM_FRAGMENT: true };
  // Parse as content of <body> from the first character: without it a lone segment such as
  // `</p>` or `<noscript>…` is parsed in the document's "before head" state and comes out
  // differently than in the middle of an answer (the streaming view sanitizes segment by
  // segment and relies on every segment parsing as it would in context). The doctype puts
  // the parser in standards mode (`<p><table>` closes the paragraph), and the explicit
  // <body> stops a later <frameset> from replacing it: both as the native engine parses.
  return (html) => instance.sanitize(`<!doctype html><body>${html}`, fragmentConfig) ?? document.createDocumentFragment();
}
