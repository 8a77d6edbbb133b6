/**
 * The native engine: the browser's HTML Sanitizer API (`Document.parseHTML` with a
 * `Sanitizer`; Chromium and Firefox have it, WebKit not yet). No library, no Trusted Types
 * policy: the safe parsing methods are not Trusted Types sinks.
 *
 * It parses exactly as DOMPurify does (a whole new inert document, the input forced into
 * `<body>` by a leading empty element), so both engines see the same tree; the
 * configuration comes from the shared description (./sanitize-policy.ts).
 */
import { nativeSanitizerConfig } from './sanitize-policy.js';

interface NativeSanitizerGlobals {
  Sanitizer?: new (config: unknown) => object;
}

interface DocumentWithParseHtml {
  parseHTML?: (html: string, options: { sanitizer: object }) => Document;
}

/**
 * The engine where the browser has the API and honours our configuration (a self-test on
 * a known payload), else null.
 */
export function createNativeEngine(): ((html: string) => DocumentFragment) | null {
  if (typeof window === 'undefined' || typeof Document === 'undefined') return null;
  const SanitizerCtor = (window as unknown as NativeSanitizerGlobals).Sanitizer;
  const parseHTML = (Document as unknown as DocumentWithParseHtml).parseHTML;
  if (typeof SanitizerCtor !== 'function' || typeof parseHTML !== 'function') return null;
  let engine: (html: string) => DocumentFragment;
  try {
    const sanitizer = new SanitizerCtor(nativeSanitizerConfig());
    engine = (html) => {
      // `<remove></remove>` first: the parser is "in body" from the first character
      // (DOMPurify's FORCE_BODY does the same); the empty element is unwrapped by the post-pass.
      const doc = parseHTML.call(Document, `<remove></remove>${html}`, { sanitizer });
      const fragment = doc.createDocumentFragment();
      const body = doc.body;
      if (body) while (body.firstChild) fragment.appendChild(body.firstChild);
      return fragment;
    };
    // An implementation that ignores part of the configuration (an older draft of the API)
    // must not be trusted with bot HTML: DOMPurify takes over. (No event handler, style
    // attribute or <style> in the probe: the parser reports those to a strict CSP even in
    // its inert document, though they are removed.)
    const probe = engine('<p title="t" class="c" data-x="1" is="x-y">a<svg><g></g></svg><template>c</template><foo>b</foo></p>');
    const p = probe.firstElementChild?.nextElementSibling ?? null;
    if (!p || p.localName !== 'p' || p.getAttributeNames().join() !== 'title,is' || p.textContent !== 'ab' || p.childElementCount !== 1) return null;
  } catch {
    return null;
  }
  return engine;
}
