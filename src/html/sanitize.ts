/**
 * The sanitizer for bot HTML: one policy (./sanitize-policy.ts), two engines, fragments out
 * (never strings, so nothing is re-parsed after sanitizing: no mutation-XSS round trip).
 *
 * - Where the browser has the HTML Sanitizer API (Chromium, Firefox), the native engine
 *   (./sanitize-native.ts) is ready synchronously and DOMPurify is never fetched.
 * - Elsewhere (WebKit/Safari) DOMPurify is loaded through `import()`, its own chunk
 *   (./sanitize-dompurify.ts). {@link ensureSanitizer} starts that load; the element calls it
 *   when it starts, beside the session request, and holds bot HTML until it settles.
 *   Until then {@link sanitizeToFragment} throws (nothing is ever shown unsanitized); if
 *   the load failed it returns the text of the HTML as plain text nodes.
 * - Either engine's output goes through the same post-pass (`enforcePolicy`: allowlist,
 *   attribute values, URL policy, our attributes) and then the media gate.
 *
 * Trusted Types: the native engine needs no policy. DOMPurify gets one named
 * {@link TRUSTED_TYPES_POLICY_NAMES} (`indigo-chat-html`, see ./sanitize-dompurify.ts);
 * site owners list the name in their CSP: `trusted-types indigo-chat-html`.
 */
import { gateFragment, type MediaGateOptions } from './media-gate.js';
import type { UrlPolicyOptions } from './url-policy.js';
import { enforcePolicy } from './sanitize-policy.js';
import { decodeCharRefs } from '../core/char-refs.js';
import { createNativeEngine } from './sanitize-native.js';

/** URL policy plus the on-render media gate (./media-gate.ts). */
export type SanitizeOptions = UrlPolicyOptions & MediaGateOptions;

/** Trusted Types policy names this layer creates (list them in a `trusted-types` CSP directive). */
export const TRUSTED_TYPES_POLICY_NAMES: readonly string[] = Object.freeze(['indigo-chat-html']);

/** Which engine sanitizes: `native` (HTML Sanitizer API) or the `dompurify` fallback. */
export type SanitizerEngineName = 'native' | 'dompurify';
/**
 * Always `ready` where the native API exists; else `idle` until {@link ensureSanitizer}
 * starts the DOMPurify load, `loading` until it settles, then `ready` or `failed` (also
 * while a later {@link ensureSanitizer} tries again, until it succeeds).
 */
export type SanitizerStatus = 'ready' | 'idle' | 'loading' | 'failed';

type Engine = (html: string) => DocumentFragment;
type DomPurifyModule = typeof import('./sanitize-dompurify.js');

const importDomPurify = (): Promise<DomPurifyModule> => import('./sanitize-dompurify.js');

let engine: Engine | null = null;
let engineName: SanitizerEngineName | null = null;
let loading: Promise<void> | null = null;
let failed = false;
// Test hook state (resetSanitizerForTests): skip the native engine, or load DOMPurify otherwise.
let preferDomPurify = false;
let loadDomPurify = importDomPurify;

/** The native engine, once, where the browser has it (synchronous: no chunk to wait for). */
function tryNative(): boolean {
  if (engine) return true;
  if (preferDomPurify) return false;
  const native = createNativeEngine();
  if (!native) {
    preferDomPurify = true; // probe once
    return false;
  }
  engine = native;
  engineName = 'native';
  return true;
}

/**
 * Makes an engine ready: at once with the native API, else once the DOMPurify chunk has
 * loaded. Rejects if that load fails (sanitizing then yields plain text); a later call
 * tries again.
 */
export function ensureSanitizer(): Promise<void> {
  if (tryNative()) return Promise.resolve();
  loading ??= loadDomPurify().then(
    (m) => {
      engine = m.createDomPurifyEngine(TRUSTED_TYPES_POLICY_NAMES[0]!);
      engineName = 'dompurify';
      failed = false;
    },
    (error: unknown) => {
      failed = true;
      loading = null;
      throw error;
    },
  );
  return loading;
}

/** See {@link SanitizerStatus}; `failed` sanitizes to plain text until a retry succeeds. */
export function sanitizerStatus(): SanitizerStatus {
  // `failed` while a retry loads: what was shown as plain text stays shown meanwhile.
  return tryNative() || engine ? 'ready' : failed ? 'failed' : loading ? 'loading' : 'idle';
}

/** The engine in use, or null before one is ready. */
export function sanitizerEngine(): SanitizerEngineName | null {
  return engine ? engineName : null;
}

/**
 * Test hook, not API: forgets the engine. `dompurify` forces the fallback where the native
 * API exists too (tests run every corpus through both); `load` replaces the chunk import
 * (to test a failed load).
 */
export function resetSanitizerForTests(
  prefer: 'auto' | SanitizerEngineName = 'auto',
  load: () => Promise<DomPurifyModule> = importDomPurify,
): void {
  engine = null;
  engineName = null;
  loading = null;
  failed = false;
  preferDomPurify = prefer === 'dompurify';
  loadDomPurify = load;
  if (prefer === 'native' && !tryNative()) throw new Error('indigo-chat: no native HTML Sanitizer in this browser');
}

/**
 * Sanitizes bot HTML into an inert fragment owned by a parser document; insert it as is.
 * Then the media gate: nothing in it can make a request on render unless its origin is
 * in `options.loadOrigins` (refused images become click-to-load placeholders).
 * Throws while the fallback engine is still loading ({@link ensureSanitizer}).
 */
export function sanitizeToFragment(html: string, options?: SanitizeOptions): DocumentFragment {
  if (!tryNative() && !engine) {
    if (failed) return plainTextToFragment(htmlToPlainText(String(html)));
    throw new Error('indigo-chat: the HTML sanitizer is not loaded yet (await ensureSanitizer())');
  }
  const fragment = engine!(String(html));
  enforcePolicy(fragment, options);
  gateFragment(fragment, options);
  return fragment;
}

/**
 * The text of an HTML string without parsing it (no engine available): tags removed,
 * block ends as line breaks, common character references decoded. For
 * {@link plainTextToFragment}, so the result can only ever be text.
 */
export function htmlToPlainText(html: string): string {
  return decodeCharRefs(
    html
      .replace(/<(script|style|template|svg|math|noscript|iframe|textarea|title|xmp)\b[\s\S]*?<\/\1\s*>/gi, '')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<br\b[^>]*>|<\/(li|tr|dt|dd)\s*>/gi, '\n')
      .replace(/<\/(p|div|h[1-6]|blockquote|pre|table|ul|ol|dl)\s*>/gi, '\n\n')
      .replace(/<\/?[a-zA-Z!?][^>]*>/g, ''),
  );
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
