/**
 * The script-tag build (an IIFE, the only thing a page pays before the visitor touches
 * the launcher):
 *   <script src=".../indigo-chat.iife.js" data-relay="https://site/api/chat" async></script>
 * mounts one `<indigo-chat>` with attributes from the tag's `data-*` (or drives the
 * launcher the page wrote in its markup, docs/decisions/script-tag-and-markup.md), shows a launcher
 * shell with the unread badge, and exposes `window.IndigoChat`, whose calls are queued
 * until the widget is there. The widget chunk is prefetched (`<link rel=prefetch>`) when
 * the browser is idle after the visitor's first input on the page, fetched on
 * hover/focus of the launcher and defined on first open.
 * A second copy of the script on the page warns and does nothing.
 */
import { elementFromScript, findScript } from './loader/script-config.js';
import { importLocale, importSaved, importWidget, prefetchUrls } from './loader/import-widget.js';
import { launch, queuedAnswer, showsConversation } from './loader/launch.js';
import { watchElements, type Watch } from './loader/watch.js';
import { hasSavedConversation } from './controllers/storage.js';

export interface IndigoChatGlobal {
  open(): void;
  close(): void;
  toggle(): void;
  /** Queued (and `true`) until the widget has loaded. */
  send(text: string): boolean;
  sendPayload(payload: string, label?: string): boolean;
  setProfile(record: Readonly<Record<string, unknown>>): boolean;
  restart(): void;
  /**
   * Watch a shadow root of the page's own (web components) for `<indigo-chat>` elements,
   * as the tag watches the document: the page-wide watch cannot see into it.
   */
  watch(root: ShadowRoot): void;
  /**
   * The `<indigo-chat>` element the tag drives (the same element before and after the
   * widget loads): its own, or, from when it attaches, a launcher the page wrote.
   */
  element: HTMLElement | null;
  /**
   * The command queue of the deferred snippet (README): entries like `['send', 'Hi']`
   * pushed before this script arrived are replayed in order; a push afterwards runs at once.
   */
  q: { push(...commands: unknown[]): void };
}

const MARK = '__indigoChatLoader';

/** Page input that says a person is there (not a crawler, not a lab page-load test). */
const PRESENCE_EVENTS = ['pointermove', 'pointerdown', 'keydown', 'scroll', 'touchstart', 'wheel'] as const;

/**
 * Prefetch the widget's chunks once the page has loaded, the visitor has moved, scrolled
 * or typed, and the browser is idle. Waiting for that first input keeps the prefetch out
 * of page-load measurements (Lighthouse's simulation put it before LCP, +90 ms), and
 * the launcher's own hover/focus still fetches the widget for anyone faster than idle.
 */
function prefetchWhenIdle(urls: () => readonly string[]): void {
  const nav = navigator as Navigator & { connection?: { saveData?: boolean } };
  if (nav.connection?.saveData) return;
  const go = () => {
    for (const href of urls()) {
      const link = document.createElement('link');
      link.rel = 'prefetch';
      link.href = href;
      // Module scripts are fetched in CORS mode: the prefetch must match to be reused.
      link.crossOrigin = 'anonymous';
      document.head.append(link);
    }
  };
  // eslint-disable-next-line compat/compat -- feature-tested here (Safari has none); the checker reads only `if` guards
  const idle = () => (typeof requestIdleCallback === 'function' ? requestIdleCallback(go, { timeout: 5000 }) : setTimeout(go, 1000));
  const onPresence = () => {
    for (const type of PRESENCE_EVENTS) removeEventListener(type, onPresence, true);
    if (document.readyState === 'complete') idle();
    else addEventListener('load', idle, { once: true });
  };
  for (const type of PRESENCE_EVENTS) addEventListener(type, onPresence, { capture: true, passive: true });
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
  let el = elementFromScript(script);
  const tagOwn = el;
  // The tag's data-* as element attributes, as made (the live element later mirrors its state, `open` too).
  const tagAttributes = [...tagOwn.attributes].map((a) => [a.name, a.value] as const);
  const launchOne = (e: HTMLElement) =>
    launch(
      e,
      () => importWidget(base),
      () => importSaved(base),
      (lang) => importLocale(base, lang),
    );
  // Started on attach, once the element it drives is known (its own, or the page's
  // launcher); calls made before wait here in order, as the launch's queue keeps them after.
  type Launched = ReturnType<typeof launch>;
  let launched: Launched | null = null;
  let watch: Watch | null = null;
  const roots: ShadowRoot[] = [];
  const early: Parameters<Launched['call']>[] = [];
  function run(command: unknown) {
    const [name, ...args] = [command].flat() as [string, ...unknown[]];
    const fn = name !== 'q' && Object.hasOwn(api, name) && (api as unknown as Record<string, unknown>)[name];
    if (typeof fn === 'function') (fn as (...a: unknown[]) => unknown)(...args);
    else console.warn('indigo-chat: unknown IndigoChat.q command', command);
  }
  const call = (m: Parameters<Launched['call']>[0], ...args: unknown[]): unknown => {
    sync();
    if (launched) return launched.call(m, args);
    early.push([m, args]);
    return queuedAnswer(m);
  };
  const api: Omit<IndigoChatGlobal, 'element'> = {
    open: () => void call('show'),
    close: () => void call('hide'),
    toggle: () => void call('toggle'),
    send: (text) => call('send', text) === true,
    sendPayload: (payload, label) => call('sendPayload', ...(label === undefined ? [payload] : [payload, label])) === true,
    setProfile: (record) => call('setProfile', record) === true,
    restart: () => void call('restart'),
    watch: (root) => void (watch ? watch.add(root) : roots.push(root)),
    q: { push: (...commands) => commands.forEach(run) },
  };
  const queued = (g.IndigoChat as { q?: unknown } | undefined)?.q;
  // Merge: a page may have put its own things on window.IndigoChat, among them a command
  // queue `q` (`['send', 'Hi']` entries) filled by the page's snippet before this script
  // arrived: replayed in order, and later pushes run at once.
  const merged = (g.IndigoChat = Object.defineProperty(Object.assign(g.IndigoChat ?? {}, api), 'element', {
    get: () => (sync(), el),
    configurable: true,
    enumerable: true,
  }) as IndigoChatGlobal);
  if (Array.isArray(queued)) queued.forEach(run);
  const isLauncher = (e: Element) => !showsConversation(e);
  /** Drive `page`, a launcher the page wrote, in place of the tag's own: its data-* fill in what the page's does not set. */
  const adopt = (page: Element) => {
    for (const [name, value] of tagAttributes) if (!page.hasAttribute(name)) page.setAttribute(name, value);
    tagOwn.remove();
    el = page as HTMLElement;
  };
  const pageLauncher = () => [...document.getElementsByTagName('indigo-chat')].find((e) => e !== tagOwn && isLauncher(e));
  /**
   * The element the tag drives left the page (a route change, a swapped <body>): it drives
   * the page's next launcher, else its own (back in the page), and the calls still waiting
   * for the old one go along. Run when the document changes, and before a call or a read of
   * `IndigoChat.element` (an app may remove it and call in the same task).
   */
  function sync() {
    if (launched && !el.isConnected && document.body) drive(isLauncher(tagOwn) && pageLauncher());
  }
  /**
   * Drive `page`, a launcher the page wrote, else the tag's own (in the page): the calls
   * made before the first launch, and those still waiting for the element driven before,
   * go along in order.
   */
  function drive(page: Element | false | undefined) {
    if (page) adopt(page);
    else document.body.append((el = tagOwn));
    const old = launched;
    launched = launchOne(el);
    if (launched !== old) for (const [m, args] of [...early.splice(0), ...(old?.take?.() ?? [])]) launched.call(m, args);
  }
  const attach = () => {
    // A launcher the page wrote itself (`<indigo-chat>` in its markup) is the one the tag
    // drives, not a second launcher in the same corner.
    drive(isLauncher(el) && pageLauncher());
    // Created before the watch below: a route that swaps one page launcher for another is
    // followed here first (the watch then finds the new one launched).
    // With no page launcher to take its place, the tag's own comes back a moment later: a
    // route's launcher may be on its way (an out-in transition, a route's code loading), and
    // the tag's own would flash in the corner meanwhile (a call or a read comes in at once).
    new MutationObserver(() => {
      if (el.isConnected) return;
      if (pageLauncher()) sync();
      else setTimeout(sync, 300);
    }).observe(document.documentElement, { childList: true, subtree: true });
    // The page's other <indigo-chat> elements (an inline chat in its markup, one its
    // scripts add later) are the widget's too, launcher-first like the tag's own. A
    // launcher the page adds later (a single-page app's route) takes the tag's place as at
    // attach while the tag's own is only the shell (nobody opened it, nothing queued):
    // one launcher in the corner, not two.
    watch = watchElements((found) => {
      if (el === tagOwn && isLauncher(el) && found !== el && isLauncher(found) && !(launched?.started?.() ?? true)) drive(found);
      else launchOne(found);
    });
    for (const root of [document, ...roots]) watch.add(root);
    // With a saved conversation, the code that reads it too (it is imported beside the widget).
    prefetchWhenIdle(() => prefetchUrls(base, hasSavedConversation(el), el.getAttribute('lang')));
  };
  // After the page's next paint: the page's own content shows first (an async script may
  // run before it; Lighthouse counts any work there against LCP).
  const afterPaint = () => {
    if (document.hidden || typeof requestAnimationFrame !== 'function') setTimeout(attach, 0);
    else requestAnimationFrame(() => setTimeout(attach, 0));
  };
  // Once the markup is parsed, so a launcher the page wrote further down is found.
  if (document.readyState !== 'loading') afterPaint();
  else document.addEventListener('DOMContentLoaded', afterPaint, { once: true });
  return merged;
}

/**
 * The only export, so the IIFE build's global `IndigoChat` (Rollup assigns the entry's
 * default export to it) is this same merged object, not a module namespace over it.
 */
const indigoChat: IndigoChatGlobal | null = typeof document !== 'undefined' ? mount() : null;
export default indigoChat;
