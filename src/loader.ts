/**
 * The script-tag build (an IIFE, the only thing a page pays before the visitor touches
 * the launcher):
 *   <script src=".../indigo-chat.iife.js" data-relay="https://site/api/chat" async></script>
 * mounts one `<indigo-chat>` with attributes from the tag's `data-*`, shows a launcher
 * shell with the unread badge, and exposes `window.IndigoChat`, whose calls are queued
 * until the widget is there. The widget chunk is prefetched (`<link rel=prefetch>`) when
 * the browser is idle, fetched on hover/focus of the launcher and defined on first open.
 * A second copy of the script on the page warns and does nothing.
 */
import { elementFromScript, findScript } from './loader/script-config.js';
import { importWidget, prefetchUrls } from './loader/import-widget.js';
import { launch } from './loader/launch.js';

export interface IndigoChatGlobal {
  open(): void;
  close(): void;
  toggle(): void;
  /** Queued (and `true`) until the widget has loaded. */
  send(text: string): boolean;
  sendPayload(payload: string, label?: string): boolean;
  setProfile(record: Readonly<Record<string, unknown>>): boolean;
  restart(): void;
  /** The `<indigo-chat>` element (the same element before and after the widget loads). */
  element: HTMLElement | null;
}

const MARK = '__indigoChatLoader';

/** Prefetch the widget's chunks once the page has loaded and the browser is idle. */
function prefetchWhenIdle(urls: readonly string[]): void {
  const nav = navigator as Navigator & { connection?: { saveData?: boolean } };
  if (urls.length === 0 || nav.connection?.saveData) return;
  const go = () => {
    for (const href of urls) {
      const link = document.createElement('link');
      link.rel = 'prefetch';
      link.href = href;
      // Module scripts are fetched in CORS mode: the prefetch must match to be reused.
      link.crossOrigin = 'anonymous';
      document.head.append(link);
    }
  };
  const idle = () => (typeof requestIdleCallback === 'function' ? requestIdleCallback(go, { timeout: 5000 }) : setTimeout(go, 1000));
  if (document.readyState === 'complete') idle();
  else addEventListener('load', idle, { once: true });
}

function mount(): IndigoChatGlobal | null {
  const g = globalThis as unknown as Record<string, unknown> & { IndigoChat?: Partial<IndigoChatGlobal> };
  if (g[MARK]) {
    console.warn('indigo-chat: the script tag is on this page twice; keeping the first one.');
    // This IIFE assigns its result to the global `IndigoChat` too: hand back the first one.
    return (g.IndigoChat as IndigoChatGlobal | undefined) ?? null;
  }
  g[MARK] = true;
  const script = findScript(document.currentScript);
  const base = script?.src || null;
  const el = elementFromScript(script);
  // Launched before the element is attached, so calls made before <body> exists queue too.
  const launched = launch(el, () => importWidget(base));
  const call = (m: Parameters<typeof launched.call>[0], ...args: unknown[]) => launched.call(m, args);
  const api: IndigoChatGlobal = {
    element: el,
    open: () => void call('show'),
    close: () => void call('hide'),
    toggle: () => void call('toggle'),
    send: (text) => call('send', text) === true,
    sendPayload: (payload, label) => call('sendPayload', ...(label === undefined ? [payload] : [payload, label])) === true,
    setProfile: (record) => call('setProfile', record) === true,
    restart: () => void call('restart'),
  };
  // Merge: a page may have put its own things on window.IndigoChat.
  const merged = (g.IndigoChat = Object.assign(g.IndigoChat ?? {}, api));
  const attach = () => {
    document.body.append(el);
    prefetchWhenIdle(prefetchUrls(base));
  };
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach, { once: true });
  return merged as IndigoChatGlobal;
}

/**
 * The only export, so the IIFE build's global `IndigoChat` (Rollup assigns the entry's
 * default export to it) is this same merged object, not a module namespace over it.
 */
const indigoChat: IndigoChatGlobal | null = typeof document !== 'undefined' ? mount() : null;
export default indigoChat;
