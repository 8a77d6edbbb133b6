/**
 * The native engine: the browser's HTML Sanitizer API (`Element.setHTML` with a `Sanitizer`;
 * Chromium and Firefox have it, WebKit not yet). No library, no Trusted Types policy: the
 * safe parsing methods are not Trusted Types sinks.
 *
 * It parses with `setHTML` on a `<div>` of an inert document (no browsing context: nothing
 * loads or runs there): content of <body> from the first character, in standards mode, as
 * the DOMPurify engine parses (`<!doctype html><body>` + html). Not `Document.parseHTML`:
 * Firefox attaches declarative shadow roots there (`<template shadowrootmode>`), whose
 * content the shared post-pass would never see.
 * The configuration comes from the shared description (./sanitize-policy.ts).
 */
import { nativeSanitizerConfig } from './sanitize-policy.js';

interface NativeSanitizerGlobals {
  Sanitizer?: new (config: unknown) => object;
}

type SetHtml = (this: Element, html: string, options: { sanitizer: object }) => void;

/**
 * The engine where the browser has the API and honours our configuration (a self-test on
 * a known payload), else null.
 */
export function createNativeEngine(): ((html: string) => DocumentFragment) | null {
  if (typeof window === 'undefined' || typeof Element === 'undefined') return null;
  const SanitizerCtor = (window as unknown as NativeSanitizerGlobals).Sanitizer;
  const setHTML = (Element.prototype as unknown as { setHTML?: SetHtml }).setHTML;
  if (typeof SanitizerCtor !== 'function' || typeof setHTML !== 'function') return null;
  let engine: (html: string) => DocumentFragment;
  try {
    const sanitizer = new SanitizerCtor(nativeSanitizerConfig());
    const inert = document.implementation.createHTMLDocument('');
    engine = (html) => {
      const box = inert.createElement('div');
      setHTML.call(box, html, { sanitizer });
      const fragment = inert.createDocumentFragment();
      while (box.firstChild) fragment.appendChild(box.firstChild);
      return fragment;
    };
    // An implementation that ignores part of the configuration (an older draft of the API)
    // or attaches declarative shadow roots must not be trusted with bot HTML: DOMPurify
    // takes over. (No event handler, style attribute or <style> in the probe: the parser
    // reports those to a strict CSP even in its inert document, though they are removed.)
    const probe = engine(
      '<p title="t" class="c" data-x="1" is="x-y">a<svg><g></g></svg><template>c</template><foo>b</foo></p><div><template shadowrootmode="closed"><b>s</b></template></div>',
    );
    const p = probe.firstElementChild;
    const host = probe.lastElementChild;
    if (!p || p.localName !== 'p' || p.getAttributeNames().join() !== 'title,is' || p.textContent !== 'ab' || p.childElementCount !== 1)
      return null;
    if (!host || host.localName !== 'div' || host.childNodes.length !== 0 || !canAttachShadow(host)) return null;
  } catch {
    return null;
  }
  return engine;
}

/** False when `el` already hosts a shadow root (a closed one cannot be read otherwise). */
function canAttachShadow(el: Element): boolean {
  try {
    el.attachShadow({ mode: 'open' });
    return true;
  } catch {
    return false;
  }
}
